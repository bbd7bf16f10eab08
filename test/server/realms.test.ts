import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { REALM } from '../support/sample-calls.js';

const [realmA, realmB, realmC] = [REALM, '507f1f77bcf86cd799439013', '507f1f77bcf86cd799439014'];

describe('realms.list', () => {
  it('lists the distinct realms of projects, containers, servers and tokens, with usage on request', async () => {
    const server = await startTestServer();
    await server.token('john_doe', { alias: 'Realm C token', realm_ids: [realmC, realmA] });
    const api = await server.as('john_doe');
    const plain = await api.realms.list();
    expect(plain.data?.data).toEqual({ realm_ids: [realmA, realmB, realmC], total: 3 });
    const { data } = await api.realms.list({ include_usage: true });
    expect(data?.data.usage).toEqual({
      [realmA]: { projects: 1, containers: 1, servers: 1, auth_tokens: 1 },
      [realmB]: { projects: 1, containers: 0, servers: 0, auth_tokens: 0 },
      [realmC]: { projects: 0, containers: 0, servers: 0, auth_tokens: 1 },
    });
  });

  it("answers an empty list for a user without realms, and only the caller's realms", async () => {
    const server = await startTestServer();
    expect((await (await server.as('jane_roe')).realms.list()).data?.data).toEqual({ realm_ids: [], total: 0 });
  });

  it('answers PERMISSION_DENIED to a token without resources.realms, and 400 for a non-boolean include_usage', async () => {
    const server = await startTestServer();
    const token = await server.token('john_doe', { alias: 'Containers only', permission_template: 'external_customer', vault_access: false });
    const allowed = await (await server.as({ token: token.token })).realms.list();
    expect(allowed.response.status).toBe(200);
    const none = await server.token('john_doe', {
      alias: 'Nothing',
      permission_template: undefined,
      permissions: { containers: { read: true } },
      vault_access: false,
    });
    const denied = await (await server.as({ token: none.token })).realms.list();
    expect([denied.response.status, denied.error?.code, denied.error?.message]).toEqual([
      403,
      'PERMISSION_DENIED',
      'This token does not have permission: resources.realms',
    ]);
    const response = await server.fetch(
      new Request('http://localhost/api/v1/realms/?include_usage=maybe', { headers: { authorization: `Bearer ${await server.jwtFor('john_doe')}` } }),
    );
    expect([response.status, (await response.json()).code]).toEqual([400, 'VALIDATION_ERROR']);
  });
});
