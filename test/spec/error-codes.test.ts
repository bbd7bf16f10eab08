import { describe, expect, it } from 'vitest';
import { listOperations, loadSpec, resolveRef, type ErrorCodeEntry, type SpecOperation } from '../../src/spec/operations.js';
import { seedErrorRows, type SeedErrorRow } from '../support/seed-facts.js';

const spec = loadSpec();
const operations = listOperations(spec);
type CodeEntry = ErrorCodeEntry;

/** The operation at a path template (the seed facts name templates, not concrete paths). */
function operationAt(method: string, template: string): SpecOperation {
  const op = operations.find((candidate) => candidate.method === method && candidate.path === template);
  if (!op) throw new Error(`no operation ${method} ${template}`);
  return op;
}

const entriesAt = (op: SpecOperation, status: number | string): CodeEntry[] => op.errorCodes.get(String(status)) ?? [];

const seedRows: SeedErrorRow[] = seedErrorRows();

describe('error codes of the seed tables', () => {
  it('were all read from the seed pages', () => {
    expect(seedRows.length).toBeGreaterThan(120);
    expect(new Set(seedRows.map((row) => row.code)).size).toBeGreaterThanOrEqual(28);
  });

  it.each(seedRows.map((row) => [`${row.method} ${row.path} ${row.status} ${row.code}`, row] as const))('%s is in the spec', (_name, row) => {
    const entries = entriesAt(operationAt(row.method, row.path), row.status);
    const entry = entries.find((candidate) => candidate.code === row.code);
    expect(entry, `codes there: ${entries.map((e) => e.code).join(', ')}`).toBeDefined();
  });

  it.each(seedRows.filter((row) => row.page === 'users').map((row) => [`${row.method} ${row.path} ${row.status} ${row.code}`, row] as const))(
    '%s has the Users page texts word for word',
    (_name, row) => {
      // The Users page is Markdown with clean tables: its texts must be the spec's, word for word.
      const entry = entriesAt(operationAt(row.method, row.path), row.status).find((candidate) => candidate.code === row.code);
      expect(entry).toEqual({ code: row.code, title: row.title, description: row.description, resolution: row.resolution });
    },
  );
});

describe('error responses', () => {
  const errorResponses = operations.flatMap((op) =>
    Object.entries<any>(op.operation.responses)
      .filter(([status]) => status === 'default' || Number(status) >= 400)
      .map(([status, response]) => [`${op.operationId} ${status}`, resolveRef(spec, response)] as const),
  );

  it.each(errorResponses)('%s narrows `code` to exactly the codes it lists', (_name, response) => {
    const listed = response['x-error-codes'].map((entry: CodeEntry) => entry.code);
    const schema = response.content['application/json'].schema;
    expect(schema.allOf[1].properties.code.enum).toEqual(listed);
    const exampleCodes = Object.values<any>(response.content['application/json'].examples).map((example) => example.value.code);
    expect(new Set(exampleCodes)).toEqual(new Set(listed));
  });
});

/** Every `x-error-code` reachable from an operation's parameters and body. */
function fieldCodes(op: SpecOperation): Set<string> {
  const codes = new Set<string>();
  const seen = new Set<object>();
  const walk = (node: any) => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const resolved = resolveRef(spec, node);
    if (resolved !== node) return walk(resolved);
    for (const keyword of ['x-error-code', 'x-size-error-code']) if (typeof node[keyword] === 'string') codes.add(node[keyword]);
    for (const value of Object.values(node)) walk(value);
  };
  for (const parameter of op.parameters) walk(parameter.schema);
  walk(op.bodySchema);
  return codes;
}

describe('field-to-code ties', () => {
  it.each(operations.map((op) => [op.operationId, op] as const))('%s lists in its 400 every code its fields are tied to', (_id, op) => {
    const listed = entriesAt(op, 400).map((entry) => entry.code);
    for (const code of fieldCodes(op)) expect(listed, `${op.operationId} 400 must list ${code}`).toContain(code);
  });

  it('tie the fields the seeds name to their codes', () => {
    const schemas = spec.components.schemas;
    expect(schemas.PublicKey['x-error-code']).toBe('INVALID_PUBLIC_KEY_FORMAT');
    expect(schemas.TokenAlias['x-error-code']).toBe('INVALID_ALIAS_FORMAT');
    expect(schemas.IpRange['x-error-code']).toBe('INVALID_IP_FORMAT');
    expect(schemas.RealmId['x-error-code']).toBe('INVALID_REALM_ID_FORMAT');
    expect(schemas.ExpirationInput['x-error-code']).toBe('INVALID_EXPIRATION_FORMAT');
    expect(schemas.PublicStorage['x-size-error-code']).toBe('PUBLIC_STORAGE_TOO_LARGE');
    expect(schemas.Password['x-error-code']).toBe('WEAK_PASSWORD');
    expect(schemas.ObjectId['x-error-code']).toBe('INVALID_ID_FORMAT');
  });
});
