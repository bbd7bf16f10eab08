/**
 * PostgreSQL faults: the pool's connections are killed (pg_terminate_backend) while requests run. Requests caught
 * mid-flight answer 503 SERVICE_UNAVAILABLE; none answers 500; the server stays up and serves again at once; no
 * partial write is left (the vault's usage row equals the sum of its entries).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DATABASE_URL, freshSchema, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';
import { startTestServer } from '../support/server.js';

describe.skipIf(!DATABASE_URL)('PostgreSQL faults', () => {
  it('connections killed mid-request give 503, then recovery, with no partial write', async () => {
    const applicationName = `hoody-fault-${randomBytes(3).toString('hex')}`;
    const schema = freshSchema();
    const store = await makePostgresStore({ schema, applicationName });
    const server = await startTestServer({ store });
    const api = await server.as('jane_roe');
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();

    const statuses: number[] = [];
    let killing = true;
    let kills = 0;
    const killer = (async () => {
      const deadline = Date.now() + 4000;
      while (killing && Date.now() < deadline) {
        const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle'", [
          applicationName,
        ]);
        kills += rowCount ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    })();
    const writers = Array.from({ length: 5 }, async (_, writer) => {
      for (let i = 0; i < 400 && statuses.filter((s) => s === 503).length < 10; i += 1) {
        const result = await api.vault.set({ key: `w${writer}-${i % 20}`, data: { value: 'v'.repeat(100 + i) } });
        statuses.push(result.response.status);
      }
    });
    await Promise.all(writers);
    killing = false;
    await killer;

    const count = (status: number) => statuses.filter((s) => s === status).length;
    console.log(`fault: ${kills} connections killed; ${statuses.length} requests: ${count(200) + count(201)} ok, ${count(503)} x 503, ${count(500)} x 500`);
    expect(count(503)).toBeGreaterThan(0);
    expect(count(500)).toBe(0);
    expect(statuses.every((s) => [200, 201, 503].includes(s))).toBe(true);

    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => api.vault.set({ key: `after-${i}`, data: { value: 'ok' } })));
    expect(after.map((r) => r.response.status)).toEqual(Array(10).fill(201));
    const { rows } = await admin.query(
      `SELECT (SELECT total_bytes FROM "${schema}".vault_usage WHERE user_id = $1) AS usage, (SELECT sum(size_bytes) FROM "${schema}".vault_entries WHERE user_id = $1) AS stored`,
      ['6650a1b2c3d4e5f6a7b8c902'],
    );
    expect(Number(rows[0].usage)).toBe(Number(rows[0].stored));
    await admin.end();
    await store.close();
  });

  it('refuses to start against an unreachable database, quickly and saying why', async () => {
    const started = Date.now();
    const { PostgresStore } = await import('../../src/store/postgres/index.js');
    await expect(PostgresStore.open({ connectionString: 'postgres://postgres:secret@127.0.0.1:1/none' })).rejects.toThrow(
      'cannot use the PostgreSQL database at postgres://postgres:***@127.0.0.1:1/none: connect ECONNREFUSED',
    );
    expect(Date.now() - started).toBeLessThan(6000);
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
