/**
 * Round trips per request on PostgreSQL, counted (statements sent, through a counting hook on every connection),
 * never timed. Quota counts are reconciled in batches and activity is group-committed, so what remains per request
 * is the operation's own reads and writes plus authentication. The ceilings below are today's counts: a change that
 * adds a round trip to a request fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres/index.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { RECONCILE_INTERVAL_MS } from '../../src/pipeline/quota-counter.js';
import { DATABASE_URL, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';
import { startTestServer } from '../support/server.js';
import type { AnsweredApi } from '../support/answered.js';

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
    store = await makePostgresStore();
    const server = await startTestServer({ store });
    jwt = await server.as('john_doe');
    token = await server.as({ token: (await server.token('john_doe', { alias: 'Round trips' })).token });
    await jwt.vault.set({ key: 'counted', data: { value: 'v' } });
  });
  afterAll(async () => {
    console.log(`statements per request on PostgreSQL (${REQUESTS} requests each, ${CONCURRENCY} at a time, batches included):\n  ${figures.join('\n  ')}`);
    await store?.close();
  });

  /** Statements per request over REQUESTS calls, after a first call (a window's first quota read), batches included. */
  async function perRequest(name: string, call: () => Promise<{ response: Response }>): Promise<number> {
    expect((await call()).response.status).toBeLessThan(300);
    await settle();
    const before = store.statements;
    for (let sent = 0; sent < REQUESTS; sent += CONCURRENCY) await Promise.all(Array.from({ length: CONCURRENCY }, () => call()));
    await settle();
    const per = (store.statements - before) / REQUESTS;
    figures.push(`${name}: ${per.toFixed(2)}`);
    return per;
  }

  it('users.get with a session JWT: the user lookup, nothing else per request', async () => {
    expect(await perRequest('users.get (JWT)', () => jwt.users.get({ id: DEMO_USERS.john_doe.id }))).toBeLessThanOrEqual(1.5);
  });

  it('vault.get and activity.list with a JWT', async () => {
    expect(await perRequest('vault.get (JWT)', () => jwt.vault.get({ key: 'counted' }))).toBeLessThanOrEqual(2.5);
    expect(await perRequest('activity.list (JWT)', () => jwt.activity.list({ limit: 10 }))).toBeLessThanOrEqual(3.5);
  });

  it('vault.set (a write) with a JWT', async () => {
    expect(await perRequest('vault.set (JWT)', () => jwt.vault.set({ key: 'counted', data: { value: 'w' } }))).toBeLessThanOrEqual(2.5);
  });

  it('users.get with an API token: token lookup and user lookup (its last use is group-committed)', async () => {
    expect(await perRequest('users.get (API token)', () => token.users.get({ id: DEMO_USERS.john_doe.id }))).toBeLessThanOrEqual(2.5);
  });
});
if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
