/**
 * The contract suite: written once against the generated SDK, run against every target (Prism's mock, the server
 * on the memory store, and on PostgreSQL when DATABASE_URL is set). For every documented status of every operation
 * it makes the target answer that status and checks the status, the envelope, the content type and the body's
 * schema (the checking fetch in targets.ts fails the test on any violation, including an undocumented status).
 */
import { STATUS_CODES } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationId } from '../../generated/operations.gen.js';
import { codesAt, listOperations, loadSpec, resolveRef } from '../../src/spec/operations.js';
import { codeScenario, makeFixtures, mockScenario, proxyScenarios, serverScenario } from './scenarios.js';
import { startPrism, startPrismProxy, startServerTarget, TARGET_KINDS, type Target } from './targets.js';

const spec = loadSpec();
const operations = listOperations(spec);
const cases = operations.flatMap((op) =>
  Object.keys(op.operation.responses)
    .filter((status) => status !== 'default')
    .map((status) => ({
      operationId: op.operationId as OperationId,
      status,
      codes: codesAt(op, status),
    })),
);
/** Every documented (operation, status, code); `-` for a success. */
const codeCases = cases.flatMap((c) => (c.codes.length ? c.codes : ['-']).map((code) => ({ ...c, code })));

/** Whether an operation takes a path or query parameter, or (`data.<field>`) a body field, or a body (`data`). */
function takes(operationId: OperationId, part: string): boolean {
  const op = operations.find((o) => o.operationId === operationId)!;
  const body = resolveRef(spec, op.bodySchema);
  if (part === 'data') return Boolean(body);
  if (part.startsWith('data.')) return Boolean(body?.properties?.[part.slice(5)]);
  return op.parameters.some((p) => p.name === part);
}

/** Checks a target's answer: the status, the envelope, and an error code the spec lists there. */
function expectAnswer(result: { response?: Response | undefined; data?: unknown; error?: unknown }, status: string, codes: string[], code?: string) {
  const body = (result.data ?? result.error) as Record<string, unknown>;
  expect(result.response?.status, JSON.stringify(body).slice(0, 300)).toBe(Number(status));
  expect(body.statusCode).toBe(Number(status));
  if (Number(status) < 400) {
    expect(typeof body.message).toBe('string');
  } else {
    expect(body.error).toBe(STATUS_CODES[Number(status)]);
    expect(codes).toContain(body.code);
    if (code) expect(body.code).toBe(code);
  }
}

describe('contract, every documented status: proxy', () => {
  let target: Target;
  beforeAll(async () => {
    target = await startPrismProxy();
  });
  afterAll(async () => {
    console.log(`Prism validation proxy: ${target.violations!.length} violations`);
    expect(target.violations).toEqual([]);
    await target?.close();
  });

  it.each(cases.map((c) => [`${c.operationId} ${c.status}`, c] as const))('%s', async (_name, { operationId, status, codes }) => {
    const scenario = proxyScenarios[`${operationId} ${status}`] ?? serverScenario(operationId, status);
    expect(scenario, `no server scenario for ${operationId} ${status}`).toBeDefined();
    const api = await target.client(scenario!.persona);
    expectAnswer(await scenario!.call(api, await makeFixtures(target), target), status, codes);
  });
});

describe.each(TARGET_KINDS.filter((kind) => kind !== 'proxy'))('contract, every documented status and code: %s', (kind) => {
  let target: Target;
  beforeAll(async () => {
    target = kind === 'mock' ? await startPrism() : await startServerTarget(kind as 'memory' | 'postgres');
  });
  afterAll(async () => target?.close());

  it.each(codeCases.map((c) => [`${c.operationId} ${c.status} ${c.code}`, c] as const))('%s', async (_name, { operationId, status, codes, code }) => {
    // The mock answers the example named after the code; the server is made to produce it.
    const scenario = kind === 'mock' ? mockScenario(operationId, status) : codeScenario(operationId, status, code, takes);
    expect(scenario, `no server scenario for ${operationId} ${status} ${code}`).toBeDefined();
    const prefer = code === '-' ? `code=${status}` : `code=${status}, example=${code}`;
    const api = await target.client(scenario!.persona, kind === 'mock' ? { Prefer: prefer } : {});
    const fixtures = kind === 'mock' ? undefined : await makeFixtures(target);
    expectAnswer(await scenario!.call(api, fixtures!, target), status, codes, code === '-' ? undefined : code);
  });
});
