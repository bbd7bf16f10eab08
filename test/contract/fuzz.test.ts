/**
 * Property-based negative testing of every operation: requests generated from the spec's schemas with fast-check,
 * valid and deliberately invalid (wrong types, out-of-range lengths and numbers, broken patterns, unknown fields and
 * query parameters, missing required fields), fixed seed, 50 per operation. For every answer: never 5xx, a
 * documented status with a valid body (the checking fetch), every invalid request refused with 4xx and a code the
 * spec lists, and a refused request changed nothing. A failure prints the shrunk request.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { codesAt, listOperations, loadSpec, type SpecOperation } from '../../src/spec/operations.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { userStateSnapshot } from '../support/snapshot.js';
import { deref, invalidValue, validValue } from './schema-arbitraries.js';

const spec = loadSpec();
const SEED = 20_261_124;
const RUNS = 50;
const john = DEMO_USERS.john_doe.id;

type Generated = { path: Record<string, unknown>; query: Record<string, unknown>; body?: unknown; invalid?: string };

function requestArbitrary(op: SpecOperation): fc.Arbitrary<Generated> {
  const parameters = op.parameters;
  const pathParams = parameters.filter((p) => p.in === 'path');
  const queryParams = parameters.filter((p) => p.in === 'query');
  const bodySchema = deref(op.bodySchema);
  const hasBody = Boolean(op.operation.requestBody);

  const valid = fc.record({
    path: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, validValue(p.schema)]))),
    query: fc.record(Object.fromEntries(queryParams.map((p) => [p.name, validValue(p.schema)])), { requiredKeys: [] }),
    body: hasBody ? validValue(bodySchema) : fc.constant(undefined),
  }) as fc.Arbitrary<Generated>;

  const mutations: fc.Arbitrary<(g: Generated) => Generated>[] = [
    fc.constant((g: Generated) => ({ ...g, query: { ...g.query, not_a_parameter: 'x' }, invalid: 'an unknown query parameter' })),
  ];
  for (const p of [...pathParams, ...queryParams]) {
    const bad = invalidValue(p.schema, true);
    if (bad)
      mutations.push(
        bad.map(({ value, how }) => (g: Generated) => ({
          ...g,
          [p.in]: { ...g[p.in as 'path' | 'query'], [p.name]: value },
          invalid: `${p.in} ${p.name}: ${how}`,
        })),
      );
  }
  if (hasBody && bodySchema.type === 'object') {
    mutations.push(fc.constant((g: Generated) => ({ ...g, body: { ...(g.body as object), is_admin: true, user_id: john }, invalid: 'unknown body fields' })));
    mutations.push(fc.constant((g: Generated) => ({ ...g, body: 'not an object', invalid: 'a string body' })));
    for (const name of bodySchema.required ?? []) {
      mutations.push(
        fc.constant((g: Generated) => {
          const { [name]: _dropped, ...rest } = g.body as Record<string, unknown>;
          return { ...g, body: rest, invalid: `body without required ${name}` };
        }),
      );
    }
    for (const [name, property] of Object.entries<any>(bodySchema.properties ?? {})) {
      const bad = invalidValue(property);
      if (bad)
        mutations.push(
          bad.map(({ value, how }) => (g: Generated) => ({ ...g, body: { ...(g.body as object), [name]: value }, invalid: `body ${name}: ${how}` })),
        );
    }
  }
  const invalid = fc.tuple(valid, fc.oneof(...mutations)).map(([g, mutate]) => mutate(g));
  return fc.oneof(valid, invalid);
}

function urlOf(op: SpecOperation, g: Generated): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name) => encodeURIComponent(String(g.path[name])));
  const query = new URLSearchParams(Object.entries(g.query).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]));
  return `http://localhost${path}${query.size ? `?${query}` : ''}`;
}

describe('property-based negative testing', () => {
  let server: TestServer;
  let jwt: string;
  let apiToken: string;
  beforeAll(async () => {
    server = await startTestServer();
    jwt = await server.jwtFor('john_doe');
    apiToken = (await server.token('john_doe', { alias: 'Fuzz token' })).token;
  });

  it.each(listOperations(spec).map((op) => [op.operationId, op] as const))('%s', async (operationId, op) => {
    const codes = (status: number) => codesAt(op, status);
    let invalidCount = 0;
    await fc.assert(
      fc.asyncProperty(requestArbitrary(op), async (generated) => {
        const before = generated.invalid ? await userStateSnapshot(server.store, john) : '';
        const headers: Record<string, string> = { authorization: `Bearer ${op.operation['x-token-only'] ? apiToken : jwt}` };
        if (generated.body !== undefined) headers['content-type'] = 'application/json';
        const response = await server.fetch(
          new Request(urlOf(op, generated), { method: op.method, headers, body: generated.body === undefined ? undefined : JSON.stringify(generated.body) }),
        );
        const body = await response.json();
        expect(response.status, JSON.stringify(body)).toBeLessThan(500);
        if (generated.invalid) {
          invalidCount += 1;
          expect(response.status, `${generated.invalid}: ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
          expect(codes(response.status)).toContain(body.code);
          expect(await userStateSnapshot(server.store, john), `${generated.invalid} changed state`).toBe(before);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(invalidCount, `${operationId}: invalid requests generated`).toBeGreaterThan(5);
  });
});
