import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPages } from '../../scripts/generate-api-docs.js';
import { findOperation, listOperations, loadSpec, resolveRef } from '../../src/spec/operations.js';
import { createSchemaCompiler } from '../../src/spec/schemas.js';
import { ROOT } from '../support/cli.js';
import { SEEDS_DIR, tokensPageErrorRows, usersPageErrorRows } from '../support/seeds.js';
import { typecheckSources } from '../support/typecheck.js';

const spec = loadSpec();
const operations = listOperations(spec);
const page = (file: string) => readFileSync(`${ROOT}docs/api/${file}`, 'utf8');
const seed = (file: string) => readFileSync(`${SEEDS_DIR}${file}`, 'utf8');
const pages = { 'users.md': page('users.md'), 'realms.md': page('realms.md'), 'auth-tokens.md': page('auth-tokens.md') };
const allMarkdown = Object.values(pages).join('\n');
const blocks = (markdown: string, language: string) => [...markdown.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

/** The generated section of one operation: from its heading to the next one. */
function sectionOf(markdown: string, method: string, path: string): string {
  const start = markdown.indexOf(`### \`${method} ${path}\``);
  if (start < 0) return '';
  const next = markdown.indexOf('\n### `', start + 1);
  return markdown.slice(start, next < 0 ? undefined : next);
}

describe('docs/api pages', () => {
  it('are what the generator makes from the spec now', () => {
    expect(renderPages(spec)).toEqual(pages);
  });

  it('document every operation once, with its permission', () => {
    for (const op of operations) {
      const matches = allMarkdown.split(`### \`${op.method} ${op.path}\``).length - 1;
      expect(matches, `${op.method} ${op.path}`).toBe(1);
      expect(sectionOf(allMarkdown, op.method, op.path)).toContain('**Permission (API tokens):**');
    }
  });

  it('have SDK examples that type-check against the SDK', () => {
    const examples = blocks(allMarkdown, 'typescript');
    expect(examples).toHaveLength(23);
    const source = [
      "import { createHoodyClient } from '../../src/sdk/index.js';",
      "const client = createHoodyClient({ baseUrl: 'http://localhost:3000', token: 'hdy_example' });",
      ...examples.map((example, i) => `export async function example${i}() {\n${example}\nreturn [data, error];\n}`),
    ].join('\n');
    expect(typecheckSources({ 'docs-examples.ts': source })).toEqual([]);
  });

  it('have curl examples that name a real operation, with a body valid against its schema', () => {
    const compiler = createSchemaCompiler(spec);
    const curls = blocks(allMarkdown, 'bash');
    expect(curls).toHaveLength(23);
    for (const text of curls) {
      const [, method, url] = text.match(/^curl -X (\w+) "([^"]+)"/)!;
      const path = new URL(url).pathname;
      const op = findOperation(operations, method, path);
      expect(op, `${method} ${path}`).toBeDefined();
      const body = text.match(/-d '([\s\S]*)'\s*$/)?.[1];
      expect(Boolean(body), `${op!.operationId} body`).toBe(Boolean(op!.operation.requestBody));
      if (body) {
        const validate = compiler.compile(resolveRef(spec, op!.operation.requestBody).content['application/json'].schema);
        expect(validate(JSON.parse(body.replace(/'\\''/g, "'"))) ? [] : validate.errors).toEqual([]);
      }
    }
  });
});

describe('docs/api pages carry everything the seed pages carry', () => {
  it('users.md: every endpoint, parameter, request field and error-code row of the Users page', () => {
    const seedSections = seed('000_6dfa94fd487d42ae.txt').split(/^### `/m).slice(1);
    expect(seedSections).toHaveLength(11);
    for (const section of seedSections) {
      const [, method, path] = section.match(/^(\w+) ([^`]+)`/)!;
      const generated = sectionOf(pages['users.md'], method, path);
      expect(generated, `${method} ${path}`).not.toBe('');
      for (const [, name, location] of section.matchAll(/^\| `(\w+)` \| (path|query) \|/gm)) expect(generated).toMatch(new RegExp(`^\\| \`${name}\` \\| ${location} \\|`, 'm'));
      for (const [, field] of section.matchAll(/^\| `(\w+)` \| (?:string|object|boolean|integer)[^|]* \| (?:Yes|No) \|/gm)) expect(generated).toContain(`| \`${field}\` |`);
    }
    for (const row of usersPageErrorRows()) {
      const generated = sectionOf(pages['users.md'], row.method, row.path);
      expect(generated, `${row.method} ${row.path} ${row.code}`).toContain(`| \`${row.code}\` | ${row.title} | ${row.description} | ${(row.resolution ?? "").replace(/</g, '&lt;').replace(/>/g, '&gt;')} |`);
    }
  });

  it('auth-tokens.md: every endpoint, parameter, request field and error code of the Tokens pages', () => {
    for (const row of tokensPageErrorRows(operations)) {
      expect(sectionOf(pages['auth-tokens.md'], row.method, row.path), `${row.method} ${row.path} ${row.code}`).toContain(`| \`${row.code}\` |`);
    }
    const rendered = seed('004_40ca538109183221.txt');
    const sections = rendered.split(/^curl -X (\w+) https:\/\/api\.hoody\.icu(\S+)/m);
    let checked = 0;
    for (let i = 1; i < sections.length; i += 3) {
      const op = findOperation(operations, sections[i], sections[i + 1])!;
      const generated = sectionOf(pages['auth-tokens.md'], op.method, op.path);
      const lines = sections[i + 2].split('\n');
      lines.forEach((line, index) => {
        if (line !== 'FieldTypeRequiredDescription' && line !== 'NameInTypeRequiredDescription') return;
        for (const row of lines.slice(index + 1)) {
          const name = row.match(/^([a-z_]+?)(?=path|query|string|object|array|boolean|number|integer)/)?.[1];
          if (!name) break;
          expect(generated, `${op.operationId} ${name}`).toContain(`| \`${name}\` |`);
          checked += 1;
        }
      });
    }
    expect(checked).toBeGreaterThan(35);
  });

  it('realms.md: the endpoint, its parameter and its error codes', () => {
    const generated = sectionOf(pages['realms.md'], 'GET', '/api/v1/realms/');
    expect(generated).toMatch(/^\| `include_usage` \| query \| boolean \| No \|/m);
    for (const code of ['UNAUTHORIZED', 'PERMISSION_DENIED']) expect(generated).toContain(`| \`${code}\` |`);
    expect(seed('002_0173735e0bfdbeb6.txt')).toContain('GET /api/v1/realms/');
  });
});
