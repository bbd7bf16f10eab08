import { describe, expect, it } from 'vitest';
import { listOperations, loadSpec, resolveRef } from '../../src/spec/operations.js';
import { createSchemaCompiler } from '../../src/spec/schemas.js';

const spec = loadSpec();
const compiler = createSchemaCompiler(spec);

type ExampleCase = { where: string; schema: object; value: unknown };

/** Every example of the spec, with the schema it illustrates. */
function collectExamples(): ExampleCase[] {
  const cases: ExampleCase[] = [];
  const fromMedia = (where: string, media: any) => {
    if (!media?.schema) return;
    for (const [name, example] of Object.entries<any>(media.examples ?? {})) {
      cases.push({ where: `${where} example ${name}`, schema: media.schema, value: resolveRef(spec, example).value });
    }
    if ('example' in media) cases.push({ where: `${where} example`, schema: media.schema, value: media.example });
  };
  for (const op of listOperations(spec)) {
    const body = resolveRef(spec, op.operation.requestBody);
    if (body) fromMedia(`${op.operationId} request`, body.content['application/json']);
    for (const [status, response] of Object.entries<any>(op.operation.responses)) {
      fromMedia(`${op.operationId} ${status}`, resolveRef(spec, response).content?.['application/json']);
    }
    for (const resolved of op.parameters) {
      const schema = resolveRef(spec, resolved.schema);
      if (resolved.example !== undefined)
        cases.push({ where: `${op.operationId} parameter ${resolved.name} example`, schema: resolved.schema, value: resolved.example });
      for (const value of schema.examples ?? []) cases.push({ where: `${op.operationId} parameter ${resolved.name}`, schema: resolved.schema, value });
    }
  }
  for (const [name, schema] of Object.entries<any>(spec.components.schemas)) {
    (schema.examples ?? []).forEach((value: unknown, index: number) => cases.push({ where: `schema ${name} example ${index}`, schema, value }));
  }
  return cases;
}

const cases = collectExamples();

describe('examples', () => {
  it('cover every response of every operation', () => {
    for (const op of listOperations(spec)) {
      for (const [status, response] of Object.entries<any>(op.operation.responses)) {
        const examples = resolveRef(spec, response).content?.['application/json']?.examples ?? {};
        expect(Object.keys(examples).length, `${op.operationId} ${status}`).toBeGreaterThan(0);
      }
    }
    expect(cases.length).toBeGreaterThan(150);
  });

  it.each(cases.map((c) => [c.where, c] as const))('%s validates against its schema', (_where, c) => {
    const validate = compiler.compile(c.schema);
    expect(validate(c.value) ? [] : validate.errors).toEqual([]);
  });

  it("of a list are in the list's documented order: vault keys by byte order, activity newest first", () => {
    const itemsOf = (operationId: string) => {
      const op = listOperations(spec).find((each) => each.operationId === operationId)!;
      const examples = resolveRef(spec, op.operation.responses['200']).content['application/json'].examples;
      return Object.values<any>(examples).map((example) => resolveRef(spec, example).value.data as Record<string, string>[]);
    };
    const keyLists = itemsOf('vault.list').map((items) => items.map((item) => item.key));
    const activityLists = itemsOf('activity.list').map((items) => items.map((item) => item.created_at));
    expect(keyLists.flat().length).toBeGreaterThan(1);
    expect(activityLists.flat().length).toBeGreaterThan(1);
    for (const keys of keyLists) expect(keys).toEqual([...keys].sort());
    for (const times of activityLists) expect(times).toEqual([...times].sort().reverse());
  });

  it('are rejected when they break their schema (the validator is not vacuous)', () => {
    const user = compiler.compile(spec.components.schemas.User);
    expect(user({ id: 'nope' })).toBe(false);
    const storage = compiler.compile(spec.components.schemas.PublicStorage);
    expect(storage({ blob: 'x'.repeat(70_000) })).toBe(false);
    expect(storage({ blob: 'x'.repeat(60_000) })).toBe(true);
  });
});
