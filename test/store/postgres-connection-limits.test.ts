/**
 * The database refuses a connection ("too many clients", 53300) when the server's processes together open more than it
 * accepts. Seen from outside, through a role whose CONNECTION LIMIT is 4 (PostgreSQL holds a role to its limit as it
 * holds everyone to max_connections; superusers are exempt, so the role is not one):
 * - a request whose pool holds no connection, refused one, answers 503 SERVICE_UNAVAILABLE with Retry-After, never
 *   500, and is served once the database takes connections again;
 * - with a budget above the limit, a pool refused one more connection waits for those it holds: a burst is served,
 *   no 503 (connection.ts);
 * - with DATABASE_MAX_CONNECTIONS within the limit, the same burst waits for connections instead: no 503;
 * - `GET /health` answers 503 while the database refuses the role any connection, 200 again once it takes them;
 * - `npm start` with a budget above what the database accepts says so in a warning at start.
 * Creating the role needs a DATABASE_URL user that may create roles (CI's is `postgres`).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { DATABASE_URL, freshSchema, POSTGRES_SKIP_REASON } from '../support/postgres.js';
import { startServerProcess } from '../support/process.js';
import { startTestServer } from '../support/server.js';

const ROLE_LIMIT = 4;
const role = `hoody_limited_${randomBytes(3).toString('hex')}`;
let admin: pg.Client;
let roleUrl: string;

/** Twelve of each: vault reads (read pool), vault writes (main pool), activity pages (activity pool, then read pool). */
async function burst(store: PostgresStore) {
  const server = await startTestServer({ store });
  const api = await server.as('jane_roe');
  const results = await Promise.all(
    Array.from({ length: 36 }, (_, i) =>
      i % 3 === 0
        ? api.vault.get({ key: `missing-${i}` })
        : i % 3 === 1
          ? api.vault.set({ key: `k${i}`, data: { value: 'v' } })
          : api.activity.list({ limit: 5 }),
    ),
  );
  return { api, results };
}

async function openConnections(): Promise<number> {
  const { rows } = await admin.query('SELECT count(*)::int AS open FROM pg_stat_activity WHERE usename = $1', [role]);
  return rows[0].open;
}

/** Polls `condition` every 50 ms for up to 10 s (bounded), and fails if it never holds. */
async function waitFor(condition: () => Promise<boolean>) {
  for (let i = 0; i < 200; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not met within 10 s');
}

async function openAsLimitedRole(maxConnections: number, keepOpenConnections?: number) {
  return PostgresStore.open({ connectionString: roleUrl, schema: freshSchema(), maxConnections, idleTimeoutMillis: 300, keepOpenConnections });
}

describe.skipIf(!DATABASE_URL)('PostgreSQL connection limits', () => {
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    const { rows } = await admin.query('SELECT current_database() AS name');
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT ${ROLE_LIMIT}`);
    await admin.query(`GRANT CREATE ON DATABASE "${rows[0].name}" TO ${role}`);
    const url = new URL(DATABASE_URL!);
    url.username = role;
    url.password = '';
    roleUrl = url.toString();
  });

  afterAll(async () => {
    // The role's schemas and its grant go with it.
    await admin.query(`DROP OWNED BY ${role} CASCADE`);
    await admin.query(`DROP ROLE ${role}`);
    await admin.end();
  });

  it('a request whose pool holds no connection when the database refuses one answers 503 with Retry-After, none 500', async () => {
    // Pools that keep no connection open when idle (a quiet server keeps one per pool by default).
    const store = await openAsLimitedRole(13, 0);
    try {
      expect(store.databaseCapacity).toEqual({ accepts: ROLE_LIMIT, limitedBy: "the role's CONNECTION LIMIT" });
      const server = await startTestServer({ store });
      const api = await server.as('jane_roe');
      // The connections of the start close when idle (300 ms here); then the listener's is the role's only one.
      await waitFor(async () => (await openConnections()) === 1);
      await admin.query(`ALTER ROLE ${role} CONNECTION LIMIT 1`);
      const refused = await api.vault.get({ key: 'missing' });
      expect(refused.response.status).toBe(503);
      expect(refused.error).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(refused.response.headers.get('retry-after')).toBe('1');
      await admin.query(`ALTER ROLE ${role} CONNECTION LIMIT ${ROLE_LIMIT}`);
      expect((await api.vault.get({ key: 'missing' })).response.status).toBe(404);
    } finally {
      await admin.query(`ALTER ROLE ${role} CONNECTION LIMIT ${ROLE_LIMIT}`);
      await store.close();
    }
  });

  it('a budget past the limit: a pool the database refuses one more connection waits for those it holds, no 503', async () => {
    // pg-pool alone fails the request whose connection was refused and then, one by one, every request queued behind
    // it (each tries a connection of its own): a burst of 503s with connections open and about to be free.
    const store = await openAsLimitedRole(13);
    try {
      const server = await startTestServer({ store });
      const api = await server.as('jane_roe');
      // One request per pool first, so that each holds a connection: listener, main, read and activity pools make 4.
      expect((await api.vault.get({ key: 'warm' })).response.status).toBe(404);
      expect((await api.vault.set({ key: 'warm', data: { value: 'v' } })).response.status).toBe(201);
      expect((await api.activity.list({ limit: 5 })).response.status).toBe(200);
      const { results } = await burst(store);
      const statuses = results.map((result) => result.response.status);
      expect(statuses.filter((status) => ![200, 201, 404].includes(status))).toEqual([]);
      expect(statuses.filter((status) => status === 201).length).toBe(12);
      expect(await openConnections()).toBeLessThanOrEqual(ROLE_LIMIT);
    } finally {
      await store.close();
    }
  });

  it('DATABASE_MAX_CONNECTIONS within the limit: the same burst waits for connections and is served', async () => {
    const store = await openAsLimitedRole(ROLE_LIMIT);
    try {
      const { results } = await burst(store);
      const statuses = results.map((result) => result.response.status);
      expect(statuses.filter((status) => ![200, 201, 404].includes(status))).toEqual([]);
      expect(statuses.filter((status) => status === 201).length).toBe(12);
      expect(await openConnections()).toBeLessThanOrEqual(ROLE_LIMIT);
    } finally {
      await store.close();
    }
  });

  it('GET /health answers 503 while the database refuses the role its connections, and 200 once it takes them again', async () => {
    const store = await openAsLimitedRole(ROLE_LIMIT);
    try {
      const server = await startTestServer({ store });
      const health = async () => (await server.app.request('/health')).status;
      expect(await health()).toBe(200);
      await admin.query(`ALTER ROLE ${role} CONNECTION LIMIT 0`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
      expect(await health()).toBe(503);
      await admin.query(`ALTER ROLE ${role} CONNECTION LIMIT ${ROLE_LIMIT}`);
      // Bounded: the next check opens a new connection.
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i += 1) {
        status = await health();
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
    } finally {
      await admin.query(`ALTER ROLE ${role} CONNECTION LIMIT ${ROLE_LIMIT}`);
      await store.close();
    }
  });

  it('npm start warns at start when its processes may open more connections than the database accepts', async () => {
    const env = { STORE: 'postgres', DATABASE_URL: roleUrl, SEED: 'none', JWT_SECRET: 'connection-limits-secret-0123456789ab' };
    const over = await startServerProcess({ ...env, DATABASE_SCHEMA: freshSchema(), DATABASE_MAX_CONNECTIONS: '5' });
    expect(await over.stop()).toBe(0);
    expect(over.output()).toContain(
      `1 process(es) x DATABASE_MAX_CONNECTIONS=5 may open 5 PostgreSQL connections, but the database accepts ${ROLE_LIMIT} from this role (the role's CONNECTION LIMIT)`,
    );
    const within = await startServerProcess({ ...env, DATABASE_SCHEMA: freshSchema(), DATABASE_MAX_CONNECTIONS: String(ROLE_LIMIT) });
    expect(await within.stop()).toBe(0);
    expect(within.output()).not.toContain('DATABASE_MAX_CONNECTIONS');
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
