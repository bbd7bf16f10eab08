/**
 * `npm run mock -- --dynamic`: data generated from the schemas must be data the spec allows and a frontend can
 * render. 20 answers per operation with a fixed seed, each checked by our own Ajv validator (not Prism's header):
 * no schema violation, lists bounded and their page counts agreeing with their totals, timestamps in order, bodies
 * under 100 KB; and the same seed gives the same answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from '../../scripts/mock/server.js';
import { contractProblems, operationFor } from '../support/response-contract.js';
import { callOperation, operationIds, sampleParams } from '../support/sample-calls.js';
import { answeredApi } from '../support/answered.js';

const ROUNDS = 20;
let mock: RunningMock;
type Seen = { status: number; bytes: number; body: unknown; problems: string[] };
const seen = new Map<string, Seen[]>();

/** A fetch that records what the mock answered for each operation. */
const recordingFetch = (async (request: Request) => {
  const response = await globalThis.fetch(request);
  const text = await response.clone().text();
  const op = operationFor(request.method, new URL(request.url).pathname)!;
  const body = JSON.parse(text);
  const entry = {
    status: response.status,
    bytes: Buffer.byteLength(text),
    body,
    problems: contractProblems(op, response.status, response.headers.get('content-type'), body),
  };
  seen.set(op.operationId, [...(seen.get(op.operationId) ?? []), entry]);
  return response;
}) as typeof fetch;

beforeAll(async () => {
  mock = await startMock({ dynamic: true, seed: 'contract' });
  const api = answeredApi({ baseUrl: mock.url, token: 'hdy_mock', fetch: recordingFetch });
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const operationId of operationIds) await callOperation(api, operationId, sampleParams(operationId));
  }
}, 120_000);
afterAll(() => mock?.close());

/** Every `created_at`/`updated_at` pair in a body. */
function timestampPairs(value: unknown, pairs: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(value)) value.forEach((item) => timestampPairs(item, pairs));
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.created_at === 'string' && typeof record.updated_at === 'string') pairs.push([record.created_at, record.updated_at]);
    Object.values(record).forEach((inner) => timestampPairs(inner, pairs));
  }
  return pairs;
}

describe('the dynamic mock', () => {
  it.each(operationIds)('%s: 20 valid, bounded, plausible answers', (operationId) => {
    const answers = seen.get(operationId) ?? [];
    expect(answers).toHaveLength(ROUNDS);
    expect(answers.flatMap((a) => a.problems)).toEqual([]);
    expect(answers.filter((a) => a.status >= 300).map((a) => a.status)).toEqual([]);
    expect(Math.max(...answers.map((a) => a.bytes))).toBeLessThan(100 * 1024);
    for (const { body } of answers) {
      const { data, metadata } = body as { data: unknown; metadata?: { total: number; page: number; limit: number; pages: number } };
      if (metadata) {
        expect((data as unknown[]).length).toBeLessThanOrEqual(metadata.limit);
        expect(metadata.pages).toBe(Math.ceil(metadata.total / metadata.limit));
      }
      for (const [created, updated] of timestampPairs(body)) expect(Date.parse(updated)).toBeGreaterThanOrEqual(Date.parse(created));
    }
  });

  it('is deterministic: the same seed replays the same answers, another seed does not', async () => {
    const firstAnswers = async (seed: string) => {
      const fresh = await startMock({ dynamic: true, seed });
      try {
        const get = async () => (await fetch(`${fresh.url}/api/v1/auth/tokens`, { headers: { authorization: 'Bearer hdy_mock' } })).json();
        return [await get(), await get()];
      } finally {
        await fresh.close();
      }
    };
    const [one, again, other] = [await firstAnswers('replay'), await firstAnswers('replay'), await firstAnswers('another')];
    expect(again).toEqual(one);
    expect(one[1]).not.toEqual(one[0]);
    expect(other).not.toEqual(one);
  });

  it('gives list items distinct ids', () => {
    for (const { body } of [...seen.get('authTokens.list')!, ...seen.get('activity.list')!]) {
      const ids = ((body as { data: Array<{ id: string }> }).data ?? []).map((item) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});
