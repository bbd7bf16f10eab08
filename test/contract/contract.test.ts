/**
 * The contract suite: written once against the generated SDK, run against every target (Prism's mock, the server
 * on the memory store, and on PostgreSQL when DATABASE_URL is set). For every documented status of every operation
 * it makes the target answer that status and checks the status, the envelope, the content type and the body's
 * schema (the checking fetch in targets.ts fails the test on any violation, including an undocumented status).
 */
import { STATUS_CODES } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationId } from '../../generated/operations.gen.js';
import { listOperations, loadSpec, resolveRef } from '../../src/spec/operations.js';
import { makeFixtures, mockScenario, proxyScenarios, serverScenario } from './scenarios.js';
import { startPrism, startPrismProxy, startServerTarget, TARGET_KINDS, type Target } from './targets.js';

const spec = loadSpec();
const cases = listOperations(spec).flatMap((op) =>
  Object.keys(op.operation.responses)
    .filter((status) => status !== 'default')
    .map((status) => ({ operationId: op.operationId as OperationId, status, codes: (resolveRef(spec, op.operation.responses[status])['x-error-codes'] ?? []).map((c: { code: string }) => c.code) as string[] })),
);

describe.each(TARGET_KINDS)('contract: %s', (kind) => {
  let target: Target;
  beforeAll(async () => {
    target = kind === 'mock' ? await startPrism() : kind === 'proxy' ? await startPrismProxy() : await startServerTarget(kind);
  });
  afterAll(async () => {
    if (target?.violations) {
      console.log(`Prism validation proxy: ${target.violations.length} violations`);
      expect(target.violations).toEqual([]);
    }
    await target?.close();
  });

  it.each(cases.map((c) => [`${c.operationId} ${c.status}`, c] as const))('%s', async (_name, { operationId, status, codes }) => {
    const scenario = kind === 'mock' ? mockScenario(operationId, status) : ((kind === 'proxy' && proxyScenarios[`${operationId} ${status}`]) || serverScenario(operationId, status));
    expect(scenario, `no server scenario for ${operationId} ${status}`).toBeDefined();
    const fixtures = kind === 'mock' ? undefined : await makeFixtures(target);
    const api = await target.client(scenario!.persona, kind === 'mock' ? { Prefer: `code=${status}` } : {});
    const result = await scenario!.call(api, fixtures!, target);
    const body = (result.data ?? result.error) as Record<string, unknown>;
    expect(result.response.status).toBe(Number(status));
    expect(body.statusCode).toBe(Number(status));
    if (Number(status) < 400) {
      expect(typeof body.message).toBe('string');
    } else {
      expect(body.error).toBe(STATUS_CODES[Number(status)]);
      expect(codes).toContain(body.code);
    }
  });
});
