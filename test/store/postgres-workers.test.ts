/**
 * WORKERS=2 on PostgreSQL: two worker processes share the port (node:cluster hands connections out in turn), a quota
 * holds across them (within one reconcile interval), and SIGTERM stops both and the primary cleanly. The quota
 * window is a day long, so that the test never straddles two windows.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sessionKey, signSessionJwt } from '../../src/auth/session-jwt.js';
import { RECONCILE_INTERVAL_MS } from '../../src/pipeline/quota-counter.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { DATABASE_URL, freshSchema, POSTGRES_SKIP_REASON } from '../support/postgres.js';
import { startServerProcess } from '../support/process.js';

const JWT_SECRET = 'workers-test-secret-0123456789abcdef';

/** One request on a connection of its own, so that the cluster may hand it to either worker. */
function getOnNewConnection(url: string, jwt: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { authorization: `Bearer ${jwt}`, connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!DATABASE_URL)('WORKERS=2 on PostgreSQL', () => {
  it('two workers answer on one port, share a quota, and stop on SIGTERM', async () => {
    const server = await startServerProcess(
      {
        STORE: 'postgres',
        DATABASE_URL,
        DATABASE_SCHEMA: freshSchema(),
        SEED: 'demo',
        WORKERS: '2',
        JWT_SECRET,
        RATE_LIMIT_PER_CREDENTIAL: '4',
        RATE_LIMIT_WINDOW_SECONDS: '86400',
      },
      60_000,
    );
    try {
      const deadline = Date.now() + 30_000;
      const pids = () => new Set([...server.output().matchAll(/"msg":"listening".*?"pid":(\d+)/g)].map((m) => m[1]));
      while (pids().size < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pids().size).toBe(2);
      const jwt = await signSessionJwt(sessionKey(JWT_SECRET), DEMO_USERS.john_doe.id);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        statuses.push(await getOnNewConnection(`${server.url}/api/v1/users/${DEMO_USERS.john_doe.id}`, jwt));
        await new Promise((resolve) => setTimeout(resolve, RECONCILE_INTERVAL_MS * 3));
      }
      console.log(`quota of 4 across 2 workers: ${statuses.join(' ')}`);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).toMatch(/"msg":"stopped","workers":2/);
  });
});
if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
