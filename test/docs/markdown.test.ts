import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPages } from '../../scripts/generate-api-docs.js';
import { findOperation, listOperations, loadSpec, resolveRef } from '../../src/spec/operations.js';
import { createSchemaCompiler } from '../../src/spec/schemas.js';
import { ROOT } from '../support/cli.js';
import { seedErrorRows, seedSections } from '../support/seed-facts.js';
import { typecheckSources } from '../support/typecheck.js';

const spec = loadSpec();
const operations = listOperations(spec);
const page = (file: string) => readFileSync(`${ROOT}docs/api/${file}`, 'utf8');
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
    // Each page's SDK setup block (install, import, client) is the prelude a reader copies first.
    const setups = blocks(allMarkdown, 'ts');
    expect(setups).toHaveLength(Object.keys(pages).length);
    expect(new Set(setups).size).toBe(1);
    const source = [
      setups[0],
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
    const sections = seedSections('users');
    expect(sections).toHaveLength(11);
    for (const section of sections) {
      const generated = sectionOf(pages['users.md'], section.method, section.path);
      expect(generated, `${section.method} ${section.path}`).not.toBe('');
      for (const parameter of section.parameters) expect(generated).toMatch(new RegExp(`^\\| \`${parameter.name}\` \\| ${parameter.in} \\|`, 'm'));
      for (const field of section.fields) expect(generated).toContain(`| \`${field}\` |`);
    }
    for (const row of seedErrorRows('users')) {
      const generated = sectionOf(pages['users.md'], row.method, row.path);
      expect(generated, `${row.method} ${row.path} ${row.code}`).toContain(`| \`${row.code}\` | ${row.title} | ${row.description} | ${(row.resolution ?? "").replace(/</g, '&lt;').replace(/>/g, '&gt;')} |`);
    }
  });

  it('auth-tokens.md: every endpoint, parameter, request field and error code of the Tokens pages', () => {
    for (const row of seedErrorRows('authTokens')) {
      expect(sectionOf(pages['auth-tokens.md'], row.method, row.path), `${row.method} ${row.path} ${row.code}`).toContain(`| \`${row.code}\` |`);
    }
    let checked = 0;
    for (const section of seedSections('authTokens')) {
      const generated = sectionOf(pages['auth-tokens.md'], section.method, section.path);
      for (const name of section.fields) {
        expect(generated, `${section.method} ${section.path} ${name}`).toContain(`| \`${name}\` |`);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(35);
  });

  it('realms.md: the endpoint, its parameter and its error codes', () => {
    const generated = sectionOf(pages['realms.md'], 'GET', '/api/v1/realms/');
    expect(generated).toMatch(/^\| `include_usage` \| query \| boolean \| No \|/m);
    for (const row of seedErrorRows('realms')) expect(generated).toContain(`| \`${row.code}\` |`);
    expect(seedErrorRows('realms').map((row) => row.code).sort()).toEqual(['PERMISSION_DENIED', 'UNAUTHORIZED']);
  });
});
