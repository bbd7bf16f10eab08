/**
 * A lock held outside the server (an operator's open transaction, a maintenance LOCK TABLE) must not hold requests
 * for as long as it lasts: past the lock timeout (DATABASE_LOCK_TIMEOUT_MS) the statement gives up and the request
 * answers 503 SERVICE_UNAVAILABLE with Retry-After, having changed nothing. Other users are served meanwhile; once the
 * lock goes, the same requests succeed, and no activity the server accepted is lost. A statement an operator cancels
 * answers the same. Migrations are exempt: a process waiting for another's long migration must not give up. Closing
 * the store (SIGTERM) while the database refuses the queued activity tries again until it is taken, or fails saying
 * how much was not written.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { sessionKey, signSessionJwt } from '../../src/auth/session-jwt.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { MIGRATION_LOCK_KEY } from '../../src/store/postgres/migrate.js';
import { DATABASE_URL, freshSchema, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';
import { startServerProcess } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';

const LOCK_TIMEOUT_MS = 1000;
const jane = DEMO_USERS.jane_roe.id;
const schema = freshSchema();
let store: PostgresStore;
let server: TestServer;
let admin: pg.Client;

/** Answers `call`'s result, or fails the test if it has not answered within `withinMs` (a request held by the lock). */
async function answered<T>(call: Promise<T>, withinMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const held = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the request was still waiting after ${withinMs} ms`)), withinMs);
  });
  try {
    return await Promise.race([call, held]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `work` while `lock` (SQL) holds in an open transaction of another session. */
async function whileLocked<T>(lock: string, values: unknown[], work: () => Promise<T>): Promise<T> {
  await admin.query('BEGIN');
  try {
    await admin.query(lock, values);
    return await work();
  } finally {
    await admin.query('ROLLBACK');
  }
}

/** `npm start` on PostgreSQL (a fresh schema, the demo data) with the lock timeout given; jane_roe's session JWT. */
async function startOnPostgres(lockTimeoutMs: string) {
  const processSchema = freshSchema();
  const secret = 'database-timeouts-secret-0123456789abcdef';
  const started = await startServerProcess({
    STORE: 'postgres',
    DATABASE_URL,
    DATABASE_SCHEMA: processSchema,
    SEED: 'demo',
    JWT_SECRET: secret,
    DATABASE_LOCK_TIMEOUT_MS: lockTimeoutMs,
  });
  return { started, processSchema, jwt: await signSessionJwt(sessionKey(secret), jane) };
}

const expectUnavailable = (result: { response: Response; error?: unknown }) => {
  expect(result.response.status).toBe(503);
  expect(result.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  expect(result.response.headers.get('retry-after')).toBe('1');
};

describe.skipIf(!DATABASE_URL)('PostgreSQL lock and statement timeouts', () => {
  beforeAll(async () => {
    store = await makePostgresStore({ schema, lockTimeoutMs: LOCK_TIMEOUT_MS });
    server = await startTestServer({ store });
    admin = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.end();
    await store.close();
  });

  it("a user's row locked elsewhere: that user's update answers 503 and changes nothing; other users are served", async () => {
    const janeApi = await server.as('jane_roe');
    const johnApi = await server.as('john_doe');
    await whileLocked('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [jane], async () => {
      const [held, other] = await Promise.all([
        answered(janeApi.users.update({ id: jane, data: { alias: 'Locked Out' } })),
        answered(johnApi.users.update({ id: DEMO_USERS.john_doe.id, data: { alias: 'John Served' } })),
      ]);
      expectUnavailable(held);
      expect(other.response.status).toBe(200);
    });
    expect((await janeApi.users.get({ id: jane })).data?.data.alias).toBe('Jane Roe');
    const after = await answered(janeApi.users.update({ id: jane, data: { alias: 'Jane Again' } }));
    expect(after.response.status).toBe(200);
    expect(after.data?.data.alias).toBe('Jane Again');
  });

  it("a user's vault usage locked elsewhere: a batch of writes answers 503 each and writes nothing", async () => {
    const api = await server.as('jane_roe');
    expect((await api.vault.set({ key: 'before', data: { value: 'kept' } })).response.status).toBe(201);
    await whileLocked('SELECT 1 FROM vault_usage WHERE user_id = $1 FOR UPDATE', [jane], async () => {
      const writes = await answered(Promise.all(['a', 'b', 'c'].map((key) => api.vault.set({ key: `locked-${key}`, data: { value: key } }))));
      for (const write of writes) expectUnavailable(write);
    });
    for (const key of ['a', 'b', 'c']) expect((await api.vault.get({ key: `locked-${key}` })).response.status).toBe(404);
    const { rows } = await admin.query(
      'SELECT (SELECT total_bytes FROM vault_usage WHERE user_id = $1) AS usage, (SELECT sum(size_bytes) FROM vault_entries WHERE user_id = $1) AS stored',
      [jane],
    );
    expect(Number(rows[0].usage)).toBe(Number(rows[0].stored));
    expect((await api.vault.set({ key: 'locked-a', data: { value: 'a' } })).response.status).toBe(201);
  });

  it('the activity table locked against writes: pages and stats still answer, with what could not be written; afterwards every accepted record is there', async () => {
    const api = await server.as('jane_roe');
    const list = () => api.activity.list({ limit: 100 });
    const paths = async () => ((await list()).data?.data ?? []).map((record) => `${record.method} ${record.path} ${record.status_code}`);
    await store.writeHeldActivity();
    const before = (await answered(api.activity.getStats())).data!.data.total_records;
    await whileLocked('LOCK TABLE activity IN SHARE ROW EXCLUSIVE MODE', [], async () => {
      expect((await api.vault.get({ key: 'during-the-lock' })).response.status).toBe(404);
      // Reads do not wait for the write (which times out against the lock and is tried again): they show the
      // records this process holds in their places.
      expect(await answered(paths())).toContain('GET /api/v1/vault/keys/during-the-lock 404');
      expect((await answered(api.activity.getStats())).data!.data.total_records).toBe(before + 3);
    });
    const seen = await answered(paths());
    expect(seen).toContain('GET /api/v1/vault/keys/during-the-lock 404');
    expect(seen).toContain('GET /api/v1/users/auth/activity 200');
    expect(seen).toContain('GET /api/v1/users/auth/activity/stats 200');
    await store.writeHeldActivity();
    const { rows } = await store.pool.query("SELECT count(*)::int AS n FROM activity WHERE path = '/api/v1/vault/keys/during-the-lock'");
    expect(rows[0].n).toBe(1);
  });

  it('every pool of the store sets both limits', async () => {
    for (const pool of [store.pool, store.readPool]) {
      const { rows } = await pool.query("SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement");
      expect(rows[0]).toEqual({ lock: '1s', statement: '1min' });
    }
  });

  it('a statement an operator cancels answers 503 too', async () => {
    const patient = await makePostgresStore({ schema, lockTimeoutMs: 0 });
    const patientServer = await startTestServer({ store: patient, seed: false });
    const api = await patientServer.as('jane_roe');
    const operator = new pg.Client({ connectionString: DATABASE_URL });
    await operator.connect();
    try {
      await whileLocked('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [jane], async () => {
        const update = answered(api.users.update({ id: jane, data: { alias: 'Cancelled' } }));
        let cancelled = 0;
        for (let i = 0; i < 250 && cancelled === 0; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          // Another session: inside the locking transaction, pg_stat_activity would answer the snapshot it first took.
          const { rows } = await operator.query(
            "SELECT count(*)::int AS n FROM (SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE users%') c",
          );
          cancelled = rows[0].n;
        }
        expect(cancelled).toBe(1);
        expectUnavailable(await update);
      });
      expect(patientServer.logLines.join('\n')).toContain('canceling statement due to user request');
    } finally {
      await operator.end();
      await patient.close();
    }
  });

  it('npm start applies DATABASE_LOCK_TIMEOUT_MS', async () => {
    const { started, processSchema, jwt } = await startOnPostgres('500');
    try {
      const update = () =>
        fetch(`${started.url}/api/v1/users/${jane}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
          body: JSON.stringify({ alias: 'Locked Out' }),
        });
      await admin.query('BEGIN');
      await admin.query(`SELECT 1 FROM "${processSchema}".users WHERE id = $1 FOR UPDATE`, [jane]);
      // Well before the default of 5 s: the setting, not the default, cancelled it.
      const held = await answered(update(), 4000).finally(() => admin.query('ROLLBACK'));
      expect(held.status).toBe(503);
      expect((await update()).status).toBe(200);
    } finally {
      expect(await started.stop()).toBe(0);
    }
  });

  /** A store on the test's schema whose activity writes give up on a lock after 200 ms, and its server. */
  async function impatientServer(closeWriteMs: number) {
    const impatient = await PostgresStore.open({ connectionString: DATABASE_URL!, schema, maxConnections: 6, lockTimeoutMs: 200, closeWriteMs });
    const api = await (await startTestServer({ store: impatient, seed: false })).as('jane_roe');
    return { impatient, api };
  }
  const recorded = async (prefix: string) =>
    (await admin.query("SELECT count(*)::int AS n FROM activity WHERE user_id = $1 AND path LIKE '/api/v1/vault/keys/' || $2 || '%'", [jane, prefix])).rows[0]
      .n;

  it('closing while the database refuses the queued activity: tried again until it is taken, so nothing is lost', async () => {
    const { impatient, api } = await impatientServer(10_000);
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE activity IN SHARE ROW EXCLUSIVE MODE');
    for (const key of ['one', 'two', 'three']) await api.vault.get({ key: `close-kept-${key}` });
    const closing = impatient.close();
    await new Promise((resolve) => setTimeout(resolve, 700));
    await admin.query('ROLLBACK');
    await closing;
    expect(await recorded('close-kept-')).toBe(3);
  });

  it('closing while the database refuses it for longer than the close allows: the close fails, saying what was not written', async () => {
    const { impatient, api } = await impatientServer(600);
    await whileLocked('LOCK TABLE activity IN SHARE ROW EXCLUSIVE MODE', [], async () => {
      for (const key of ['one', 'two', 'three']) await api.vault.get({ key: `close-lost-${key}` });
      await expect(impatient.close()).rejects.toThrow(
        'not written to the database: 3 activity records and 0 API token last uses (last failure: store unavailable: canceling statement due to lock timeout)',
      );
    });
    expect(await recorded('close-lost-')).toBe(0);
  });

  it('npm start, stopped while the activity table is locked, writes what it accepted once the lock goes and exits 0', async () => {
    const { started, processSchema, jwt } = await startOnPostgres('200');
    await admin.query('BEGIN');
    await admin.query(`LOCK TABLE "${processSchema}".activity IN SHARE ROW EXCLUSIVE MODE`);
    for (const key of ['one', 'two']) {
      const response = await fetch(`${started.url}/api/v1/vault/keys/at-stop-${key}`, { headers: { authorization: `Bearer ${jwt}` } });
      expect(response.status).toBe(404);
    }
    const exited = started.stop();
    await new Promise((resolve) => setTimeout(resolve, 800));
    await admin.query('ROLLBACK');
    expect(await exited).toBe(0);
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${processSchema}".activity WHERE path LIKE '/api/v1/vault/keys/at-stop-%'`);
    expect(rows[0].n).toBe(2);
  });

  it('migrations are exempt: a process waiting for another one to migrate does not give up', async () => {
    const other = new pg.Client({ connectionString: DATABASE_URL });
    await other.connect();
    await other.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const opening = PostgresStore.open({
      connectionString: DATABASE_URL!,
      schema: freshSchema(),
      maxConnections: 4,
      lockTimeoutMs: 100,
      statementTimeoutMs: 100,
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await other.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    await other.end();
    const opened = await opening;
    await opened.close();
  });
});

describe('DATABASE_LOCK_TIMEOUT_MS and DATABASE_STATEMENT_TIMEOUT_MS', () => {
  it('are 5 s and 60 s by default; 0 turns one off; anything but a whole number of milliseconds is refused', () => {
    expect(loadConfig({}, [])).toMatchObject({ databaseLockTimeoutMs: 5000, databaseStatementTimeoutMs: 60_000 });
    expect(loadConfig({ DATABASE_LOCK_TIMEOUT_MS: '0', DATABASE_STATEMENT_TIMEOUT_MS: '250' }, [])).toMatchObject({
      databaseLockTimeoutMs: 0,
      databaseStatementTimeoutMs: 250,
    });
    expect(() => loadConfig({ DATABASE_LOCK_TIMEOUT_MS: '-1' }, [])).toThrow('DATABASE_LOCK_TIMEOUT_MS must be a whole number of milliseconds, not -1');
    expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '1.5' }, [])).toThrow('DATABASE_STATEMENT_TIMEOUT_MS must be a whole number');
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
