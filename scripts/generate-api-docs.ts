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
import { cell, curl, fence, sdkCall, sentences, table, typeOf } from './docs/render.js';

type Json = Record<string, any>;
const root = resolve(import.meta.dirname, '..');
const BANNER = '<!-- AUTO-GENERATED — Do not edit manually. Regenerate with: npm run docs:api:generate -->';

/** The first of a keyword found on a schema, its `$ref` target or its `allOf` branches (a field wrapped to add a description). */
function lookup(spec: OpenApiDocument, schema: Json | undefined, keyword: string): any {
  if (!schema) return undefined;
  if (schema[keyword] !== undefined) return schema[keyword];
  if (schema.$ref) return lookup(spec, resolveRef(spec, schema), keyword);
  for (const branch of schema.allOf ?? []) {
    const found = lookup(spec, branch, keyword);
    if (found !== undefined) return found;
  }
  return undefined;
}

const resolver = (spec: OpenApiDocument) => (schema: Json) => resolveRef(spec, schema);

function fieldNotes(spec: OpenApiDocument, schema: Json | undefined): string[] {
  const defaultValue = lookup(spec, schema, 'default');
  const allowed = lookup(spec, schema, 'enum');
  return [
    defaultValue !== undefined ? `Default: \`${JSON.stringify(defaultValue)}\`` : '',
    allowed ? `Allowed values: ${allowed.map((v: unknown) => `\`${JSON.stringify(v)}\``).join(', ')}` : '',
  ];
}

function renderParameters(spec: OpenApiDocument, op: SpecOperation): string {
  const parameters = op.parameters;
  if (parameters.length === 0) return '';
  const rows = parameters.map((p) => [
    `\`${p.name}\``,
    p.in,
    cell(typeOf(p.schema, resolver(spec))),
    p.required ? 'Yes' : 'No',
    cell(sentences(p.description ?? lookup(spec, p.schema, 'description'), ...fieldNotes(spec, p.schema))),
  ]);
  return `#### Parameters\n\n${table(['Name', 'In', 'Type', 'Required', 'Description'], rows)}`;
}

function bodySchema(spec: OpenApiDocument, op: SpecOperation): Json | undefined {
  return resolveRef(spec, op.bodySchema);
}

function renderBody(spec: OpenApiDocument, op: SpecOperation): string {
  const schema = bodySchema(spec, op);
  if (!schema) return '';
  const required: string[] = schema.required ?? [];
  const rows = Object.entries<Json>(schema.properties ?? {}).map(([name, property]) => [
    `\`${name}\``,
    cell(typeOf(property, resolver(spec))),
    required.includes(name) ? 'Yes' : 'No',
    cell(sentences(lookup(spec, property, 'description'), ...fieldNotes(spec, property))),
  ]);
  return `#### Request Body\n\n${table(['Field', 'Type', 'Required', 'Description'], rows)}`;
}

/** Path parameters from their schemas' examples, then the body example under `data`. */
export function exampleCall(spec: OpenApiDocument, op: SpecOperation) {
  const params = exampleParams(spec, op);
  let url = `${spec.servers[0].url}${op.path}`;
  for (const p of op.parameters.filter((p) => p.in === 'path')) url = url.replace(`{${p.name}}`, encodeURIComponent(params[p.name] as string));
  const query = op.parameters
    .filter((p) => p.in === 'query' && params[p.name] !== undefined)
    .map((p) => `${p.name}=${encodeURIComponent(String(params[p.name]))}`);
  if (query.length) url += `?${query.join('&')}`;
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
    if (codes.length) parts.push(errorCodesTable(codes));
  }
  return parts.join('\n\n\n');
}

/** A response's error codes as the seed pages tabulate them; the HTML reference shows the same table. */
export function errorCodesTable(codes: Json[]): string {
  return table(
    ['Error Code', 'Title', 'Description', 'Resolution'],
    codes.map((c) => [`\`${c.code}\``, cell(c.title), cell(c.description), cell(c.resolution)]),
  );
}

/** The curl and SDK examples of an operation, as the pages show them. */
export function codeSamples(spec: OpenApiDocument, op: SpecOperation): { curl: string; sdk: string } {
  const [group, method] = op.operationId.split('.') as [string, string];
  const example = exampleCall(spec, op);
  const paginated = op.parameters.some((p) => p.in === 'query' && p.name === 'page');
  return { curl: curl(op.method, example.url, example.body), sdk: sdkCall(group, paginated ? `${method}Iterator` : method, example.params) };
}

/** The SDK set-up every TypeScript example starts from. */
export function sdkSetupSource(spec: OpenApiDocument): string {
  return `import { createHoodyClient } from '@hoody/sdk';\n\nconst client = createHoodyClient({ baseUrl: '${spec.servers[0].url}', token: 'YOUR_API_TOKEN' });`;
}

export function renderPermission(op: SpecOperation): string {
  const o = op.operation;
  const needs = [o['x-permission'] ? `\`${o['x-permission']}\`` : 'none beyond authentication'];
  if (o['x-vault-access']) needs.push('and `vault_access: true`');
  const notes = [o['x-token-only'] ? 'API tokens only' : '', o['x-otp-for-session'] ? 'A session JWT of a user with 2FA also sends `otp_code`' : ''];
  return `**Permission (API tokens):** ${sentences(needs.join(' '), ...notes)}`;
}

function renderOperation(spec: OpenApiDocument, op: SpecOperation): string {
  const samples = codeSamples(spec, op);
  return [
    // The operationId is the anchor (`users.md#vault.set`): the one name of an operation everywhere.
    `<a id="${op.operationId}"></a>`,
    `### \`${op.method} ${op.path}\``,
    ...(op.operation.deprecated
      ? ['> **Deprecated.** This operation will be removed in the next major version of the API; see the changelog for its replacement.']
      : []),
    op.operation.description.trim(),
    renderPermission(op),
    [renderParameters(spec, op), renderBody(spec, op)].filter(Boolean).join('\n\n') || 'This endpoint takes no parameters.',
    '',
    fence('bash', samples.curl),
    fence('typescript', samples.sdk),
    renderResponses(spec, op),
  ].join('\n\n');
}

/** The `default` response every operation documents (500, 503), once per page rather than under each operation. */
function renderDefaultErrors(spec: OpenApiDocument, op: SpecOperation): string {
  const response = op.operation.responses.default;
  const codes: Json[] = resolveRef(spec, response)?.['x-error-codes'] ?? [];
  // Each code's status is its example's (the `default` response covers several statuses).
  const statusOf = new Map(examplesOf(spec, response).map((example) => [(example as Json).code, (example as Json).statusCode]));
  return [
    '## Errors any endpoint can answer',
    'Besides the errors listed under each endpoint, any request can fail on the server side. The body is the same error envelope and carries no internal detail; nothing was changed.',
    table(
      ['Status', 'Error Code', 'Title', 'Description', 'Resolution'],
      codes.map((c) => [String(statusOf.get(c.code)), `\`${c.code}\``, cell(c.title), cell(c.description), cell(c.resolution)]),
    ),
  ].join('\n\n');
}

/** Where every TypeScript example of a page starts: the install and the client it calls. */
function sdkSetup(spec: OpenApiDocument): string {
  return [
    '**Using the SDK.** Every TypeScript example below calls `client`, made once like this (see the README for installing the package from this repository before it is published):',
    fence('sh', 'npm install @hoody/sdk'),
    fence('ts', sdkSetupSource(spec)),
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
      // Every section has its H2, so headings never skip a level (H1 page, H2 section, H3 operation).
      return group.tags.length > 1 ? `## ${tagName}\n\n${tag.description}\n\n${body}` : `## ${tagName}\n\n${body}`;
    });
    pages[group['x-page-file']] =
      [
        `# ${group['x-page-title']}`,
        `**Page:** ${group['x-page']}`,
        `[Download Raw Markdown](./${group['x-page-file']})`,
        '---',
        `${BANNER}\n\n\n`,
        group['x-page-intro'],
        sdkSetup(spec),
        renderDefaultErrors(spec, [...operations.values()][0]!),
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
