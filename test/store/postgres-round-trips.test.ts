/**
 * Round trips per request on PostgreSQL, counted (statements sent, through a counting hook on every connection),
 * never timed. Quota counts are reconciled in batches, activity and a token's last use are group-committed, and
 * the credential's user or token comes from the principal cache, so what remains per request is the operation's own
 * statement: none for users.get (the caller is the user it answers), one for every other read, at most two for a
 * write. Every operation is counted through its sample call. The ceilings are those counts plus the batches' share: a
 * change that adds a round trip to a request fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres/index.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { RECONCILE_INTERVAL_MS } from '../../src/pipeline/quota-counter.js';
import { DATABASE_URL, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';
import { startTestServer } from '../support/server.js';
import type { AnsweredApi } from '../support/answered.js';
import { callOperation, sampleParams } from '../support/sample-calls.js';
import { listOperations, loadSpec } from '../../src/spec/operations.js';
import type { OperationId } from '../../generated/operations.gen.js';

/** Requests per measurement, sent CONCURRENCY at a time (as under load, where the batches amortize). */
const REQUESTS = 200;
const CONCURRENCY = 20;
const settle = () => new Promise((resolve) => setTimeout(resolve, RECONCILE_INTERVAL_MS * 3));

describe.skipIf(!DATABASE_URL)('PostgreSQL round trips per request', () => {
  let store: PostgresStore;
  let jwt: AnsweredApi;
  let token: AnsweredApi;
  const figures: string[] = [];

  beforeAll(async () => {
    // No activity reads kept (activity-read-cache.ts): a page asked again would send nothing, and hide its statement.
    store = await makePostgresStore({ activityReadCacheMs: 0 });
    const server = await startTestServer({ store });
    jwt = await server.as('john_doe');
    token = await server.as({ token: (await server.token('john_doe', { alias: 'Round trips' })).token });
    await jwt.vault.set({ key: 'counted', data: { value: 'v' } });
  });
  afterAll(async () => {
    console.log(`statements per request on PostgreSQL (${REQUESTS} requests each, ${CONCURRENCY} at a time, batches included):\n  ${figures.join('\n  ')}`);
    await store?.close();
  });

  /**
   * Statements per request over REQUESTS calls, after a first call (a window's first quota read), batches included:
   * `concurrency` at a time, or one after the other (a client paging through its log), where no batch is shared.
   */
  async function perRequest(name: string, call: () => Promise<{ response: Response }>, concurrency = CONCURRENCY, answers = [200, 201]): Promise<number> {
    expect(answers).toContain((await call()).response.status);
    await settle();
    const before = store.statements;
    for (let sent = 0; sent < REQUESTS; sent += concurrency) await Promise.all(Array.from({ length: concurrency }, () => call()));
    await settle();
    const per = (store.statements - before) / REQUESTS;
    figures.push(`${name}${concurrency === 1 ? ', one at a time' : ''}: ${per.toFixed(2)}`);
    return per;
  }

  it('users.get with a session JWT: no statement of its own (the cached caller is the answer)', async () => {
    expect(await perRequest('users.get (JWT)', () => jwt.users.get({ id: DEMO_USERS.john_doe.id }))).toBeLessThanOrEqual(0.25);
  });

  it('vault.get and activity.list (page and total in one statement) with a JWT: one statement each', async () => {
    expect(await perRequest('vault.get (JWT)', () => jwt.vault.get({ key: 'counted' }))).toBeLessThanOrEqual(1.25);
    expect(await perRequest('activity.list (JWT)', () => jwt.activity.list({ limit: 10 }))).toBeLessThanOrEqual(1.35);
  });

  it('every read (each GET operation, its sample call; token-only ones with the API token): one statement at most', async () => {
    // A read that finds nothing (the samples' token id and public key are nobody's) is still a read: 404 counts.
    const reads = listOperations(loadSpec()).filter((op) => op.method.toLowerCase() === 'get');
    expect(reads.length).toBeGreaterThanOrEqual(11);
    for (const { operationId, operation } of reads) {
      const id = operationId as OperationId;
      const api = operation['x-token-only'] === true ? token : jwt;
      const per = await perRequest(`${id} (sample call)`, () => callOperation(api, id, sampleParams(id)), CONCURRENCY, [200, 404]);
      expect(per, id).toBeLessThanOrEqual(1.3);
    }
  });

  it('every write (each other operation, its sample call; token-only ones with the API token): two statements at most', async () => {
    // A write its rules refuse (the sample token's alias taken, its id nobody's) still reads what it checks: 404 and
    // 409 count. users.update's second is the next request's lookup of the caller it changed.
    const writes = listOperations(loadSpec()).filter((op) => op.method.toLowerCase() !== 'get');
    expect(writes.length).toBeGreaterThanOrEqual(12);
    for (const { operationId, operation } of writes) {
      const id = operationId as OperationId;
      const api = operation['x-token-only'] === true ? token : jwt;
      const per = await perRequest(`${id} (sample call)`, () => callOperation(api, id, sampleParams(id)), CONCURRENCY, [200, 201, 404, 409]);
      expect(per, id).toBeLessThanOrEqual(2.3);
    }
  });

  it('activity.list and activity.getStats one after another: one statement each, though each follows a record not yet written', async () => {
    // Each request leaves its activity record queued for the next batch; the next read counts it without writing it
    // first (that was two statements a request: the write, then the read). One at a time, the batches' share is
    // larger than under load, and grows as the machine slows (a batch every 50 ms): hence 1.5, still short of 2.
    expect(await perRequest('activity.list (JWT)', () => jwt.activity.list({ limit: 10 }), 1)).toBeLessThanOrEqual(1.5);
    expect(await perRequest('activity.list errors_only (JWT)', () => jwt.activity.list({ limit: 10, errors_only: 'true' }), 1)).toBeLessThanOrEqual(1.5);
    expect(await perRequest('activity.getStats (JWT)', () => jwt.activity.getStats(), 1)).toBeLessThanOrEqual(1.5);
  });

  it('vault.set (a write) with a JWT: one statement', async () => {
    expect(await perRequest('vault.set (JWT)', () => jwt.vault.set({ key: 'counted', data: { value: 'w' } }))).toBeLessThanOrEqual(1.3);
  });

  it("users.update (a write) with a JWT: the write, and the next request's lookup of the caller it changed", async () => {
    let n = 0;
    expect(
      await perRequest('users.update (JWT)', () => jwt.users.update({ id: DEMO_USERS.john_doe.id, data: { alias: `Counted ${(n += 1)}` } })),
    ).toBeLessThanOrEqual(2.3);
  });

  it('users.get with an API token: the token and its user come from the cache (its last use is group-committed)', async () => {
    expect(await perRequest('users.get (API token)', () => token.users.get({ id: DEMO_USERS.john_doe.id }))).toBeLessThanOrEqual(0.25);
  });
});
if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
