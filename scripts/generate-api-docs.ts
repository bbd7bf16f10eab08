/**
 * `npm run docs:api:generate`: the Markdown reference pages (docs/api/*.md) in the seeds' format, from the bundled
 * spec alone. Pages, their sections (tags) and the order of operations come from `x-tagGroups` and each tag's
 * `x-operations`; every table, example and error code comes from the operation.
 *
 * Usage: tsx scripts/generate-api-docs.ts [output dir, default docs/api]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exampleParams, listOperations, loadSpec, resolveRef, type OpenApiDocument, type SpecOperation } from '../src/spec/operations.js';
import { cell, curl, fence, sdkCall, table, typeOf } from './docs/render.js';

type Json = Record<string, any>;
const root = resolve(import.meta.dirname, '..');
const BANNER = '{/* AUTO-GENERATED — Do not edit manually. Regenerate with: npm run docs:api:generate */}';

function renderParameters(spec: OpenApiDocument, op: SpecOperation): string {
  const parameters = op.parameters;
  if (parameters.length === 0) return 'This endpoint takes no parameters.';
  const rows = parameters.map((p) => {
    const schema = resolveRef(spec, p.schema);
    const extra = [
      schema?.default !== undefined ? `Default: \`${JSON.stringify(schema.default)}\`` : '',
      schema?.enum ? `Allowed values: ${schema.enum.map((v: unknown) => `\`${JSON.stringify(v)}\``).join(', ')}` : '',
    ].filter(Boolean);
    return [`\`${p.name}\``, p.in, typeOf(schema), p.required ? 'Yes' : 'No', cell([p.description, ...extra].filter(Boolean).join('. '))];
  });
  return `#### Parameters\n\n${table(['Name', 'In', 'Type', 'Required', 'Description'], rows)}`;
}

function bodySchema(spec: OpenApiDocument, op: SpecOperation): Json | undefined {
  return resolveRef(spec, op.bodySchema);
}

function renderBody(spec: OpenApiDocument, op: SpecOperation): string {
  const schema = bodySchema(spec, op);
  if (!schema) return '';
  const required: string[] = schema.required ?? [];
  const rows = Object.entries<Json>(schema.properties ?? {}).map(([name, property]) => {
    const resolved = resolveRef(spec, property);
    const description = property.description ?? resolved.description;
    return [`\`${name}\``, typeOf(resolved), required.includes(name) ? 'Yes' : 'No', cell(description)];
  });
  return `#### Request Body\n\n${table(['Field', 'Type', 'Required', 'Description'], rows)}`;
}

/** Path parameters from their schemas' examples, then the body example under `data`. */
function exampleCall(spec: OpenApiDocument, op: SpecOperation) {
  const params = exampleParams(spec, op);
  let url = `${spec.servers[0].url}${op.path}`;
  for (const p of op.parameters.filter((p) => p.in === 'path')) url = url.replace(`{${p.name}}`, encodeURIComponent(params[p.name] as string));
  return { url, params, body: params.data };
}

function examplesOf(spec: OpenApiDocument, response: Json): unknown[] {
  const resolved = resolveRef(spec, response);
  return Object.values<Json>(resolved.content?.['application/json']?.examples ?? {}).map((example) => resolveRef(spec, example).value);
}

function renderResponses(spec: OpenApiDocument, op: SpecOperation): string {
  const parts: string[] = [];
  for (const [status, response] of Object.entries<Json>(op.operation.responses)) {
    if (status === 'default') continue;
    const [first] = examplesOf(spec, response);
    if (first !== undefined) parts.push(fence('json', JSON.stringify(first, null, 2)));
    const codes: Json[] = resolveRef(spec, response)['x-error-codes'] ?? [];
    if (codes.length) {
      parts.push(
        table(
          ['Error Code', 'Title', 'Description', 'Resolution'],
          codes.map((c) => [`\`${c.code}\``, cell(c.title), cell(c.description), cell(c.resolution)]),
        ),
      );
    }
  }
  return parts.join('\n\n\n');
}

function renderPermission(op: SpecOperation): string {
  const o = op.operation;
  const needs = [o['x-permission'] ? `\`${o['x-permission']}\`` : 'none beyond authentication'];
  if (o['x-vault-access']) needs.push('and `vault_access: true`');
  const notes = [o['x-token-only'] ? 'API tokens only' : '', o['x-otp-for-session'] ? 'a session JWT of a user with 2FA also sends `otp_code`' : ''].filter(
    Boolean,
  );
  return `**Permission (API tokens):** ${needs.join(' ')}${notes.length ? `. ${notes.join('; ')}.` : '.'}`;
}

function renderOperation(spec: OpenApiDocument, op: SpecOperation): string {
  const [group, method] = op.operationId.split('.');
  const example = exampleCall(spec, op);
  const paginated = op.parameters.some((p) => p.in === 'query' && p.name === 'page');
  return [
    // The operationId is the anchor (`users.md#vault.set`): the one name of an operation everywhere.
    `<a id="${op.operationId}"></a>`,
    `### \`${op.method} ${op.path}\``,
    ...(op.operation.deprecated
      ? ['> **Deprecated.** This operation will be removed in the next major version of the API; see the changelog for its replacement.']
      : []),
    op.operation.description.trim(),
    renderPermission(op),
    [renderParameters(spec, op), renderBody(spec, op)].filter(Boolean).join('\n\n'),
    '',
    fence('bash', curl(op.method, example.url, example.body)),
    fence('typescript', sdkCall(group, paginated ? `${method}Iterator` : method, example.params)),
    renderResponses(spec, op),
  ].join('\n\n');
}

/** Where every TypeScript example of a page starts: the install and the client it calls. */
function sdkSetup(spec: OpenApiDocument): string {
  return [
    '**Using the SDK.** Every TypeScript example below calls `client`, made once like this (see the README for installing the package from this repository before it is published):',
    fence('sh', 'npm install @hoody/sdk'),
    fence(
      'ts',
      `import { createHoodyClient } from '@hoody/sdk';\n\nconst client = createHoodyClient({ baseUrl: '${spec.servers[0].url}', token: 'YOUR_API_TOKEN' });`,
    ),
  ].join('\n\n');
}

export function renderPages(spec: OpenApiDocument): Record<string, string> {
  const operations = new Map(listOperations(spec).map((op) => [op.operationId, op]));
  const tags = new Map<string, Json>(spec.tags.map((tag: Json) => [tag.name, tag]));
  const pages: Record<string, string> = {};
  for (const group of spec['x-tagGroups'] as Json[]) {
    const sections = (group.tags as string[]).map((tagName) => {
      const tag = tags.get(tagName)!;
      const ordered: string[] = tag['x-operations'] ?? [];
      const rest = [...operations.values()].filter((op) => op.operation.tags[0] === tagName && !ordered.includes(op.operationId)).map((op) => op.operationId);
      const body = [...ordered, ...rest].map((id) => renderOperation(spec, operations.get(id)!)).join('\n\n\n\n');
      return group.tags.length > 1 ? `## ${tagName}\n\n${tag.description}\n\n${body}` : body;
    });
    pages[group['x-page-file']] =
      [
        `# ${group['x-page-title']}`,
        `**Page:** ${group['x-page']}`,
        `[Download Raw Markdown](./${group['x-page']}.md)`,
        '---',
        `${BANNER}\n\n\n`,
        group['x-page-intro'],
        sdkSetup(spec),
        sections.join('\n\n\n\n'),
      ].join('\n\n') + '\n';
  }
  return pages;
}

if (process.argv[1]?.endsWith('generate-api-docs.ts')) {
  const outputDir = resolve(process.argv[2] ?? join(root, 'docs/api'));
  mkdirSync(outputDir, { recursive: true });
  for (const [file, markdown] of Object.entries(renderPages(loadSpec()))) writeFileSync(join(outputDir, file), markdown);
  console.log(`wrote the API reference pages into ${outputDir}`);
}
