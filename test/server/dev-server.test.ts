/**
 * `npm run dev` as a frontend developer uses it: a real process, called over HTTP from a browser origin. Rich demo
 * data, logins that survive a restart, no lockout from a stale token, CORS for localhost and `CORS_ORIGINS=*`, a
 * reset and added latency; and none of it with NODE_ENV=production.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, startServerProcess, type ServerProcess } from '../support/process.js';

const JOHN = '507f1f77bcf86cd799439011';
const REALMS = ['507f1f77bcf86cd799439012', '507f1f77bcf86cd799439013'];
const jwtOf = (server: ServerProcess, user: string) => server.output().match(new RegExp(`  ${user} +(\\S+)`))![1]!;
const startDev = (env: Record<string, string> = {}) => startServerProcess({ NODE_ENV: 'development', JWT_SECRET: undefined, ...env }, 30_000, ['--dev']);

async function call(server: ServerProcess, path: string, jwt: string, init: RequestInit = {}) {
  const response = await fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${jwt}`, ...(init.headers as Record<string, string>) } });
  return { status: response.status, body: (await response.json()) as any, headers: response.headers };
}

describe('the dev server', () => {
  let server: ServerProcess;
  let john: string;
  beforeAll(async () => {
    server = await startDev();
    john = jwtOf(server, 'john_doe');
  });
  afterAll(() => server?.stop());

  it('starts with tokens, vault keys in two realms and pages of varied activity for every demo user', async () => {
    for (const user of ['admin', 'john_doe', 'jane_roe', 'otp_olivia']) {
      const jwt = jwtOf(server, user);
      const tokens = await call(server, '/api/v1/auth/tokens', jwt);
      const vaults = await Promise.all(REALMS.map((realm) => call(server, `/api/v1/vault/keys?realm_id=${realm}`, jwt)));
      const activity = await call(server, '/api/v1/users/auth/activity', jwt);
      expect(tokens.body.metadata.total, user).toBeGreaterThanOrEqual(2);
      expect(
        vaults.map((v) => v.body.metadata.total).every((total) => total >= 2),
        user,
      ).toBe(true);
      expect(activity.body.metadata.pages, user).toBeGreaterThanOrEqual(4);
      expect(new Set(activity.body.data.map((entry: { status_code: number }) => entry.status_code)).size, user).toBeGreaterThanOrEqual(3);
    }
  });

  it('a stale token cannot lock the developer out: 40 refusals, then the fresh login works', async () => {
    const statuses = [];
    for (let i = 0; i < 40; i += 1) statuses.push((await call(server, `/api/v1/users/${JOHN}`, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.stale')).status);
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect((await call(server, `/api/v1/users/${JOHN}`, john)).status).toBe(200);
  });

  it('answers preflights from any localhost port with any request header, and logs a refused origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/api/v1/vault/keys/notes`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, content-type, x-request-id, baggage' },
      });
    const local = await preflight('http://localhost:5173');
    expect([local.status, local.headers.get('access-control-allow-origin'), local.headers.get('access-control-allow-headers')]).toEqual([
      204,
      'http://localhost:5173',
      'authorization,content-type,x-request-id,baggage',
    ]);
    const foreign = await preflight('https://elsewhere.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const refusedElsewhere = /CORS preflight refused: origin not allowed","origin":"https:\/\/elsewhere.example"/;
    expect(await server.outputMatching(refusedElsewhere)).toMatch(refusedElsewhere);
  });

  it('resets to the demo data without a restart, and adds latency on request', async () => {
    await call(server, '/api/v1/vault/keys/scratch', john, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'x' }),
    });
    expect((await call(server, '/api/v1/vault/keys/scratch', john)).status).toBe(200);
    const reset = await fetch(`${server.url}/__dev/reset`, { method: 'POST', headers: { origin: 'http://localhost:5173' } });
    expect([reset.status, reset.headers.get('access-control-allow-origin')]).toEqual([200, 'http://localhost:5173']);
    expect((await call(server, '/api/v1/vault/keys/scratch', john)).body.code).toBe('VAULT_KEY_NOT_FOUND');
    const started = Date.now();
    await call(server, '/api/v1/realms/', john, { headers: { 'dev-latency': '400' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('keeps its demo logins across a restart, and honours CORS_ORIGINS=*', async () => {
    const again = await startDev({ CORS_ORIGINS: '*' });
    try {
      expect((await call(again, `/api/v1/users/${JOHN}`, john)).status).toBe(200);
      const answer = await fetch(`${again.url}/api/v1/realms/`, { headers: { origin: 'https://app.anywhere.example', authorization: `Bearer ${john}` } });
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.anywhere.example');
    } finally {
      await again.stop();
    }
  });
});

describe('outside the dev server', () => {
  it('--dev refuses to start with NODE_ENV=production', async () => {
    const { child, output } = spawnServer({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, ['--dev']);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect([code, output()]).toEqual([1, expect.stringContaining('never runs with NODE_ENV=production')]);
  });

  it('a production server has no reset and no latency, and logs a refused preflight with its origin', async () => {
    const server = await startServerProcess({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SEED: 'demo' });
    try {
      const reset = await fetch(`${server.url}/__dev/reset`, { method: 'POST' });
      expect(reset.status).toBe(404);
      await fetch(`${server.url}/api/v1/realms/`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } });
      const refusedLocalhost = /CORS preflight refused: origin not allowed","origin":"http:\/\/localhost:5173"/;
      expect(await server.outputMatching(refusedLocalhost)).toMatch(refusedLocalhost);
    } finally {
      await server.stop();
    }
  });
});
