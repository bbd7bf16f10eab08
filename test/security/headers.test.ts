/** Headers and hygiene: security headers on every answer, CORS only for configured origins, no internals, no secrets in logs. */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory/index.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { startTestServer } from '../support/server.js';
import { withFaults } from '../support/faulty-store.js';

describe('headers and hygiene', () => {
  it('sends security headers and no-store on every API answer: operations, errors, unknown routes', async () => {
    const server = await startTestServer();
    const jwt = await server.jwtFor('john_doe');
    for (const [path, auth] of [
      [`/api/v1/users/${DEMO_USERS.john_doe.id}`, true],
      ['/api/v1/users/bad', true],
      ['/api/v1/users/x', false],
      ['/nowhere', false],
    ] as const) {
      const response = await server.fetch(new Request(`http://localhost${path}`, { headers: auth ? { authorization: `Bearer ${jwt}` } : {} }));
      const headers = Object.fromEntries(response.headers);
      expect(headers, path).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
      expect(headers['strict-transport-security'], path).toContain('max-age=');
    }
  });

  it('answers CORS only for the configured origins', async () => {
    const server = await startTestServer();
    const jwt = await server.jwtFor('john_doe');
    const ask = (origin: string) =>
      server.fetch(new Request(`http://localhost/api/v1/users/${DEMO_USERS.john_doe.id}`, { headers: { authorization: `Bearer ${jwt}`, origin } }));
    expect((await ask('https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect((await ask('https://evil.example.net')).headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await server.app.request(
      new Request('http://localhost/api/v1/vault/keys/k', {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PATCH' },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
  });

  it('never writes a credential into the logs or the activity log', async () => {
    const logLines: string[] = [];
    const { store, inject } = withFaults(new MemoryStore());
    const server = await startTestServer({ store, logLines });
    const api = await server.as('jane_roe');
    const secrets: string[] = [await server.jwtFor('jane_roe')];
    for (let i = 0; i < 5; i += 1) {
      const created = (await api.authTokens.create({ data: { alias: `Secret ${i}`, permission_template: 'full_access', vault_access: true } })).data!.data;
      secrets.push(created.token);
      const viaToken = await server.as({ token: created.token }, { headers: { 'User-Agent': 'hygiene-test' } });
      await viaToken.vault.set({ key: `k${i}`, data: { value: 'v' } });
      await viaToken.users.get({ id: 'bad-id' });
      secrets.push((await api.authTokens.copy({ id: created.id })).data!.data.token);
    }
    // Failures are logged too: a store fault and a broken answer.
    inject('listTokens', () => async () => {
      throw new Error('boom');
    });
    await api.authTokens.list();
    const activity = JSON.stringify((await store.listActivity(DEMO_USERS.jane_roe.id, { since: '2000-01-01' }, 1, 100)).items);
    const logs = logLines.join('\n');
    const leaks = secrets.filter((secret) => logs.includes(secret) || activity.includes(secret));
    console.log(`hygiene: ${secrets.length} credentials issued or used, ${logLines.length} log lines, ${leaks.length} leaks`);
    expect(logLines.length).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});
