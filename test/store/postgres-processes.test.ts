/**
 * Two server processes on one PostgreSQL database stay consistent: concurrent writes through both hit the same
 * atomic statements. Real processes, real ports on 127.0.0.1; each prints its figures.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeredApi, type AnsweredApi as HoodyApi } from '../support/answered.js';
import { sessionKey, signSessionJwt } from '../../src/auth/session-jwt.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { DATABASE_URL, freshSchema, POSTGRES_SKIP_REASON } from '../support/postgres.js';

const JWT_SECRET = 'two-processes-secret-two-processes-secret';
const MIB = 1_048_576;
const servers: ServerProcess[] = [];

async function startProcess(schema: string): Promise<string> {
  const server = await startServerProcess({ STORE: 'postgres', DATABASE_URL, DATABASE_SCHEMA: schema, SEED: 'demo', JWT_SECRET });
  servers.push(server);
  return server.url;
}

describe.skipIf(!DATABASE_URL)('two server processes on one database', () => {
  let apis: HoodyApi[];
  let schema: string;
  let token: string;
  beforeAll(async () => {
    schema = freshSchema();
    const urls = await Promise.all([startProcess(schema), startProcess(schema)]);
    token = await signSessionJwt(sessionKey(JWT_SECRET), DEMO_USERS.jane_roe.id);
    apis = urls.map((baseUrl) => answeredApi({ baseUrl, token }));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('vault: with 40 MB used, 20 concurrent 1 MB writes through both give exactly 10 x 201 and 10 x 413', async () => {
    expect((await apis[0].vault.set({ key: 'base', data: { value: 'x'.repeat(40 * MIB) } })).response.status).toBe(201);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => apis[i % 2].vault.set({ key: `k${i}`, data: { value: 'y'.repeat(MIB) } })));
    const statuses = results.map((r) => r.response.status);
    const stats = await apis[1].vault.getStats();
    console.log(
      `two processes, vault race: ${statuses.filter((s) => s === 201).length} x 201, ${statuses.filter((s) => s === 413).length} x 413; used ${stats.data?.data.used_percentage}%`,
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 413)).toHaveLength(10);
    expect(stats.data?.data).toMatchObject({ total_keys: 11, total_size_bytes: 50 * MIB, used_percentage: 100 });
  });

  it('tokens: 20 concurrent creates with one alias give 1 x 201; 50 distinct add-realms leave 50, 50 identical leave 1', async () => {
    const creates = await Promise.all(Array.from({ length: 20 }, (_, i) => apis[i % 2].authTokens.create({ data: { alias: 'Shared alias' } })));
    const created = creates.filter((r) => r.response.status === 201);
    const realms = Array.from({ length: 50 }, (_, i) => `6680${i.toString(16).padStart(20, '0')}`);
    const id = created[0].data!.data.id;
    await Promise.all(realms.map((realm_id, i) => apis[i % 2].authTokens.addRealm({ id, data: { realm_id } })));
    const distinct = (await apis[0].authTokens.get({ id })).data!.data.realm_ids;
    const other = (await apis[0].authTokens.create({ data: { alias: 'Identical' } })).data!.data.id;
    await Promise.all(Array.from({ length: 50 }, (_, i) => apis[i % 2].authTokens.addRealm({ id: other, data: { realm_id: realms[0] } })));
    const identical = (await apis[1].authTokens.get({ id: other })).data!.data.realm_ids;
    console.log(
      `two processes: alias race ${created.length} x 201 / ${creates.length - created.length} x 409; realms ${distinct.length} distinct, ${identical.length} identical`,
    );
    expect(created).toHaveLength(1);
    expect(creates.filter((r) => r.error?.code === 'DUPLICATE_ALIAS')).toHaveLength(19);
    expect(new Set(distinct)).toEqual(new Set(realms));
    expect(identical).toEqual([realms[0]]);
  });

  it('data written through one process is read through the other, and survives a restart', async () => {
    await apis[0].vault.clear();
    expect((await apis[0].vault.set({ key: 'shared', data: { value: 'from process A' } })).response.status).toBe(201);
    expect((await apis[1].vault.get({ key: 'shared' })).data?.data.value).toBe('from process A');
    expect(await servers[0].stop()).toBe(0);
    const restarted = answeredApi({ baseUrl: await startProcess(schema), token });
    expect((await restarted.vault.get({ key: 'shared' })).data?.data.value).toBe('from process A');
    expect((await restarted.authTokens.list()).data?.metadata.total).toBe(2);
  });
});

describe.skipIf(!DATABASE_URL)('a drained stop on PostgreSQL', () => {
  it('writes every quota count and activity record the process still held when SIGTERM came', async () => {
    const schema = freshSchema();
    const server = await startServerProcess({
      STORE: 'postgres',
      DATABASE_URL,
      DATABASE_SCHEMA: schema,
      SEED: 'demo',
      JWT_SECRET,
      RATE_LIMIT_WINDOW_SECONDS: '86400',
      // Ten minutes between reconciles: only the stop itself can write the counts.
      RATE_LIMIT_SYNC_MS: '600000',
    });
    const api = answeredApi({ baseUrl: server.url, token: await signSessionJwt(sessionKey(JWT_SECRET), DEMO_USERS.jane_roe.id) });
    const requests = 40;
    // The first request syncs its keys; the other 39 are counted in the process and queued, and SIGTERM follows at once.
    expect((await api.users.get({ id: DEMO_USERS.jane_roe.id })).response.status).toBe(200);
    const statuses = await Promise.all(Array.from({ length: requests - 1 }, () => api.users.get({ id: DEMO_USERS.jane_roe.id })));
    expect(statuses.every((result) => result.response.status === 200)).toBe(true);
    expect(await server.stop()).toBe(0);
    const db = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
    await db.connect();
    try {
      const quota = await db.query("SELECT key, count FROM rate_limit_windows WHERE key LIKE 'per-%' ORDER BY key");
      const activity = await db.query('SELECT count(*)::int AS n FROM activity WHERE user_id = $1', [DEMO_USERS.jane_roe.id]);
      console.log(`drained stop: quota counts ${JSON.stringify(quota.rows)}, activity ${activity.rows[0].n} of ${requests}`);
      expect(quota.rows.map((row) => row.count)).toEqual([requests, requests]);
      expect(activity.rows[0].n).toBe(requests);
    } finally {
      await db.end();
    }
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
