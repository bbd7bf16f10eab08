/**
 * What a reader of docs/api/*.md meets, read through a Markdown parser (marked) rather than regexps over the text:
 * tables whose rows fit their headers, types that match the spec, every default shown, examples that keep to their
 * operation, prose without lower-case sentence starts, doubled full stops or literal markup, links that resolve and
 * headings that do not skip levels.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { listOperations, loadSpec, resolveRef, type SpecOperation } from '../../src/spec/operations.js';
import { ROOT } from '../support/cli.js';

const spec = loadSpec();
const operations = listOperations(spec);
const PAGES = ['users.md', 'realms.md', 'auth-tokens.md'];
const text = (page: string) => readFileSync(join(ROOT, 'docs/api', page), 'utf8');
const tokens = (page: string) => marked.lexer(text(page));

/** Every token of a page, depth first. */
function walk(list: Token[], out: Token[] = []): Token[] {
  for (const token of list) {
    out.push(token);
    const inner = (token as { tokens?: Token[] }).tokens;
    if (inner) walk(inner, out);
  }
  return out;
}

/** The operation each table belongs to: the last `### \`METHOD /path\`` heading before it. */
function tablesByOperation(page: string): Array<{ op: SpecOperation | undefined; table: Tokens.Table }> {
  let op: SpecOperation | undefined;
  const found: Array<{ op: SpecOperation | undefined; table: Tokens.Table }> = [];
  for (const token of tokens(page)) {
    if (token.type === 'heading') {
      const match = (token as Tokens.Heading).text.match(/^`(\w+) (\S+)`$/);
      op = match ? operations.find((o) => o.method === match[1] && o.path === match[2]) : token.depth <= 2 ? undefined : op;
    }
    if (token.type === 'table') found.push({ op, table: token as Tokens.Table });
  }
  return found;
}

/** Cells of a raw table line, split at unescaped pipes (what GFM does before dropping the excess). */
const rawCells = (line: string) => line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/);

/** The JSON types a schema allows, computed independently of the renderer: dereference, then union/intersect. */
function allowedTypes(schema: any): string[] {
  const s = schema?.$ref ? resolveRef(spec, schema) : schema;
  if (!s) return ['any'];
  const sets: string[][] = [];
  if (s.type) sets.push([s.type].flat());
  if (s.enum) sets.push([...new Set<string>(s.enum.map((v: unknown) => (v === null ? 'null' : Number.isInteger(v) ? 'integer' : typeof v)))]);
  for (const branch of s.allOf ?? []) {
    const inner = allowedTypes(branch);
    if (!inner.includes('any')) sets.push(inner);
  }
  if (s.oneOf || s.anyOf) sets.push([...new Set<string>((s.oneOf ?? s.anyOf).flatMap(allowedTypes))]);
  if (sets.length === 0) return [s.properties ? 'object' : s.items ? 'array' : 'any'];
  return sets.reduce((a, b) => a.filter((t) => b.includes(t) || (t === 'number' && b.includes('integer'))));
}
const expectedType = (schema: any) => allowedTypes(schema).sort((a, b) => (a === 'null' ? 1 : b === 'null' ? -1 : a.localeCompare(b))).join(' | ');

/** Prose of a page: paragraphs and table cells, with code spans and blocks taken out. */
function prose(page: string): string[] {
  const parts: string[] = [];
  for (const token of walk(tokens(page))) {
    if (token.type === 'paragraph') parts.push((token as Tokens.Paragraph).text);
    if (token.type === 'table') for (const row of (token as Tokens.Table).rows) for (const cell of row) parts.push(cell.text);
  }
  return parts.map((part) => part.replace(/`[^`]*`/g, 'CODE').replace(/\([^)]*\)/g, (m) => m.replace(/\./g, '')));
}

describe.each(PAGES)('docs/api/%s', (page) => {
  it('tables: every row has as many cells as its header, Required is Yes or No', () => {
    const problems: string[] = [];
    for (const { table } of tablesByOperation(page)) {
      const [header, , ...rows] = table.raw.trim().split('\n');
      for (const row of rows) if (rawCells(row!).length !== rawCells(header!).length) problems.push(row!);
      const required = table.header.findIndex((h) => h.text === 'Required');
      if (required >= 0) for (const row of table.rows) if (!['Yes', 'No'].includes(row[required]!.text)) problems.push(row.map((c) => c.text).join(' | '));
    }
    expect(problems).toEqual([]);
  });

  it("types: every parameter's and body field's type is the spec's, through $ref, allOf and oneOf, with null", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { op, table } of tablesByOperation(page)) {
      if (!op) continue;
      const name = (row: Tokens.TableCell[]) => row[0]!.text.replace(/`/g, '');
      if (table.header[0]!.text === 'Name') {
        for (const row of table.rows) {
          const parameter = op.parameters.find((p) => p.name === name(row))!;
          checked += 1;
          if (row[2]!.text !== expectedType(parameter.schema)) problems.push(`${op.operationId} ${name(row)}: ${row[2]!.text} != ${expectedType(parameter.schema)}`);
        }
      }
      if (table.header[0]!.text === 'Field') {
        const body = resolveRef(spec, op.bodySchema);
        for (const row of table.rows) {
          const property = body.properties[name(row)];
          checked += 1;
          if (row[1]!.text !== expectedType(property)) problems.push(`${op.operationId} ${name(row)}: ${row[1]!.text} != ${expectedType(property)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(page === 'realms.md' ? 0 : 10);
  });

  it('every default of a parameter or body field is shown in its row', () => {
    const missing: string[] = [];
    for (const { op, table } of tablesByOperation(page)) {
      if (!op || !['Name', 'Field'].includes(table.header[0]!.text)) continue;
      for (const row of table.rows) {
        const name = row[0]!.text.replace(/`/g, '');
        const schema = table.header[0]!.text === 'Name' ? op.parameters.find((p) => p.name === name)!.schema : resolveRef(spec, op.bodySchema).properties[name];
        const defaults = [schema, resolveRef(spec, schema), ...(schema.allOf ?? []).map((b: unknown) => resolveRef(spec, b))].map((s: any) => s?.default).filter((d) => d !== undefined);
        if (defaults.length && !row.at(-1)!.text.includes(`Default: \`${JSON.stringify(defaults[0])}\``)) missing.push(`${op.operationId} ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('examples: curl URLs use only parameters their operation takes', () => {
    const wrong: string[] = [];
    for (const token of walk(tokens(page)).filter((t) => t.type === 'code' && (t as Tokens.Code).lang === 'bash')) {
      const [, method, url] = (token as Tokens.Code).text.match(/^curl -X (\w+) "([^"]+)"/)!;
      const parsed = new URL(url!);
      const op = operations.find((o) => o.method === method && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(parsed.pathname))!;
      for (const name of parsed.searchParams.keys()) if (!op.parameters.some((p) => p.in === 'query' && p.name === name)) wrong.push(`${op.operationId} ${name}`);
    }
    expect(wrong).toEqual([]);
  });

  it('prose: no sentence starts lower-case, no doubled full stop, no entity or MDX shown literally', () => {
    const lowerStarts = prose(page).flatMap((part) => part.replace(/\b(e\.g|i\.e|etc|vs)\./g, '').match(/[\w)][.!?] +[a-z]\w*/g) ?? []);
    const doubled = prose(page).filter((part) => /(?<!\.)\.\.(?!\.)/.test(part));
    const codeSpans = walk(tokens(page)).filter((t) => t.type === 'codespan').map((t) => (t as Tokens.Codespan).text);
    const literal = codeSpans.filter((code) => /&[a-z]+;|&#\d+;/.test(code));
    expect({ lowerStarts, doubled, literal, mdx: text(page).includes('{/*') }).toEqual({ lowerStarts: [], doubled: [], literal: [], mdx: false });
  });

  it('links resolve and headings do not skip levels', () => {
    const all = walk(tokens(page));
    const anchors = new Set([...text(page).matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    const broken = all
      .filter((t) => t.type === 'link')
      .map((t) => (t as Tokens.Link).href)
      .filter((href) => (href.startsWith('#') ? !anchors.has(href.slice(1)) : !/^https?:/.test(href) && !existsSync(join(ROOT, 'docs/api', href.split('#')[0]!))));
    const depths = all.filter((t) => t.type === 'heading').map((t) => (t as Tokens.Heading).depth);
    const skips = depths.filter((depth, i) => i > 0 && depth > depths[i - 1]! + 1);
    expect({ broken, skips, first: depths[0] }).toEqual({ broken: [], skips: [], first: 1 });
  });
});

describe('examples the text constrains', () => {
  it("vault entries' size_bytes is their value's and metadata's bytes; a vault list holds one realm's keys", () => {
    const sizes: string[] = [];
    for (const [name, example] of Object.entries<any>(spec.components.examples)) {
      const entry = example.value?.data;
      if (entry && typeof entry.value === 'string' && typeof entry.size_bytes === 'number') {
        const bytes = Buffer.byteLength(entry.value) + (entry.metadata == null ? 0 : Buffer.byteLength(JSON.stringify(entry.metadata)));
        if (bytes !== entry.size_bytes) sizes.push(`${name}: ${entry.size_bytes} != ${bytes}`);
      }
    }
    const list = operations.find((o) => o.operationId === 'vault.list')!;
    const realms = Object.values<any>(resolveRef(spec, list.operation.responses['200']).content['application/json'].examples).map(
      (example) => new Set(example.value.data.map((entry: { realm_id: string }) => entry.realm_id)).size,
    );
    expect({ sizes, realms }).toEqual({ sizes: [], realms: realms.map(() => 1) });
  });

  it('400 examples of an operation name only parameters it takes', () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const response = op.operation.responses['400'];
      if (!response) continue;
      for (const example of Object.values<any>(resolveRef(spec, response).content['application/json'].examples ?? {})) {
        for (const detail of resolveRef(spec, example).value.details ?? []) {
          const [where, name] = String(detail.field).split('.');
          const unknownParameterExample = detail.message === 'unknown query parameter';
          if ((where === 'query' || where === 'path') && !unknownParameterExample && !op.parameters.some((p) => p.in === where && p.name === name)) wrong.push(`${op.operationId}: ${detail.field}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
