import { describe, expect, it } from 'vitest';
import { readPolicy } from '../../src/spec/policy.js';
import { loadSpec } from '../../src/spec/operations.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { generateApiToken } from '../../src/auth/api-tokens.js';
import { operationIds, sampleCalls, REALM } from '../support/sample-calls.js';
import { sharedTestServer, startTestServer } from '../support/server.js';

const policy = readPolicy(loadSpec());
const listed = (operationId: string, status: number, code: string) => policy.operations.get(operationId)!.errorCodes.get(status)?.has(code) ?? false;
const server = sharedTestServer();

async function expectError(result: { response: Response; error?: unknown }, status: number, code: string) {
  expect({ status: result.response.status, code: (result.error as { code?: string } | undefined)?.code }).toEqual({ status, code });
}

describe('401 on every operation', () => {
  it.each(operationIds)('%s: MISSING_TOKEN without a header', async (operationId) => {
    await expectError(await sampleCalls[operationId](await server.as({ token: undefined }), DEMO_USERS.john_doe.id), 401, 'MISSING_TOKEN');
  });

  it.each(operationIds)('%s: UNAUTHORIZED for a non-Bearer header', async (operationId) => {
    const api = await server.as({ token: undefined }, { headers: { Authorization: 'Basic am9objpwYXNz' } });
    await expectError(await sampleCalls[operationId](api, DEMO_USERS.john_doe.id), 401, 'UNAUTHORIZED');
  });

  it.each(operationIds)('%s: INVALID_TOKEN for a forged token and a bad JWT', async (operationId) => {
    await expectError(await sampleCalls[operationId](await server.as({ token: generateApiToken() }), DEMO_USERS.john_doe.id), 401, 'INVALID_TOKEN');
    await expectError(await sampleCalls[operationId](await server.as({ token: 'not.a.jwt' }), DEMO_USERS.john_doe.id), 401, 'INVALID_TOKEN');
  });

  it.each(operationIds)('%s: TOKEN_EXPIRED for an expired session JWT', async (operationId) => {
    const expired = await server.jwtFor('john_doe', -60);
    await expectError(await sampleCalls[operationId](await server.as({ token: expired }), DEMO_USERS.john_doe.id), 401, 'TOKEN_EXPIRED');
  });
});

describe('API token lifecycle in authentication', () => {
  it('a disabled, a deleted and an expired token are refused; re-enabling restores access', async () => {
    const created = await server.token('jane_roe', { alias: 'Lifecycle' });
    const jane = await server.as('jane_roe');
    const viaToken = await server.as({ token: created.token });
    expect((await viaToken.authTokens.getCurrent()).response.status).toBe(200);

    await jane.authTokens.update({ id: created.id, data: { is_enabled: false } });
    await expectError(await viaToken.authTokens.getCurrent(), 401, 'INVALID_TOKEN');
    await jane.authTokens.update({ id: created.id, data: { is_enabled: true } });
    expect((await viaToken.authTokens.getCurrent()).response.status).toBe(200);

    await jane.authTokens.delete({ id: created.id });
    await expectError(await viaToken.authTokens.getCurrent(), 401, 'INVALID_TOKEN');
  });

  it('an expired token answers TOKEN_EXPIRED', async () => {
    let now = new Date('2030-01-01T12:00:00Z');
    const timed = await startTestServer({ clock: () => now });
    const created = await timed.token('jane_roe', { alias: 'Short lived', expires_at: 'today' });
    const api = await timed.as({ token: created.token });
    expect((await api.authTokens.getCurrent()).response.status).toBe(200);
    now = new Date('2030-01-02T00:00:01Z');
    await expectError(await api.authTokens.getCurrent(), 401, 'TOKEN_EXPIRED');
  });

  it('records last_used_at and last_used_ip on use', async () => {
    const created = await server.token('jane_roe', { alias: 'Usage tracked' });
    expect(created.last_used_at).toBeNull();
    const api = await server.as({ token: created.token }, { headers: { 'X-Forwarded-For': '198.51.100.7' } });
    await api.users.get({ id: DEMO_USERS.jane_roe.id });
    const { data } = await (await server.as('jane_roe')).authTokens.get({ id: created.id });
    expect(data?.data.last_used_ip).toBe('198.51.100.7');
    expect(data?.data.last_used_at).not.toBeNull();
  });
});

describe('403 on every operation', () => {
  it.each(operationIds.filter((id) => listed(id, 403, 'ACCOUNT_BANNED')))('%s: ACCOUNT_BANNED for a banned user', async (operationId) => {
    const api = await server.as('banned_bob');
    // A banned user may read their own profile, so users.get is tried on someone else.
    const target = operationId === 'users.get' ? DEMO_USERS.john_doe.id : DEMO_USERS.banned_bob.id;
    await expectError(await sampleCalls[operationId](api, target), 403, 'ACCOUNT_BANNED');
  });

  it('a banned user can still read their own profile', async () => {
    const { data } = await (await server.as('banned_bob')).users.get({ id: DEMO_USERS.banned_bob.id });
    expect(data?.data.is_banned).toBe(true);
  });

  it.each(operationIds.filter((id) => policy.operations.get(id)!.permission))('%s: a token without its permission is refused', async (operationId) => {
    const created = await server.token('john_doe', {
      permission_template: undefined,
      permissions: {},
      vault_access: false,
      alias: `No rights ${operationId.replace('.', ' ')}`,
    });
    const code = listed(operationId, 403, 'PERMISSION_DENIED') ? 'PERMISSION_DENIED' : 'INSUFFICIENT_PERMISSIONS';
    await expectError(await sampleCalls[operationId](await server.as({ token: created.token }), DEMO_USERS.john_doe.id), 403, code);
  });

  it.each(operationIds.filter((id) => policy.operations.get(id)!.vaultAccess))(
    '%s: a token with vault permissions but no vault_access is refused',
    async (operationId) => {
      const created = await server.token('john_doe', { vault_access: false, alias: `No vault ${operationId.replace('.', ' ')}` });
      await expectError(await sampleCalls[operationId](await server.as({ token: created.token }), DEMO_USERS.john_doe.id), 403, 'INSUFFICIENT_PERMISSIONS');
    },
  );

  it.each(operationIds.filter((id) => policy.operations.get(id)!.tokenOnly))('%s: a session JWT is refused (API tokens only)', async (operationId) => {
    await expectError(await sampleCalls[operationId](await server.as('john_doe'), DEMO_USERS.john_doe.id), 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it.each(operationIds.filter((id) => listed(id, 403, 'IP_NOT_ALLOWED')))('%s: IP_NOT_ALLOWED from outside the whitelist', async (operationId) => {
    const created = await server.token('john_doe', { ip_whitelist: ['10.0.0.0/8', '192.168.1.1'], alias: `IP bound ${operationId.replace('.', ' ')}` });
    const outside = await server.as({ token: created.token }, { headers: { 'X-Forwarded-For': '192.168.1.2' } });
    await expectError(await sampleCalls[operationId](outside, DEMO_USERS.john_doe.id), 403, 'IP_NOT_ALLOWED');
    const inside = await server.as({ token: created.token }, { headers: { 'X-Forwarded-For': '::ffff:10.20.30.40' } });
    // From inside, the IP check passes (authTokens.create may still refuse a result outside the token's reach).
    expect(((await sampleCalls[operationId](inside, DEMO_USERS.john_doe.id)).error as { code?: string } | undefined)?.code).not.toBe('IP_NOT_ALLOWED');
  });

  it.each(operationIds.filter((id) => listed(id, 403, 'REALM_SCOPE_REQUIRED')))('%s: REALM_SCOPE_REQUIRED without a realm', async (operationId) => {
    const created = await server.token('john_doe', { allow_no_realm: false, alias: `Needs realm ${operationId.replace('.', ' ')}` });
    await expectError(await sampleCalls[operationId](await server.as({ token: created.token }), DEMO_USERS.john_doe.id), 403, 'REALM_SCOPE_REQUIRED');
  });

  it.each(operationIds.filter((id) => listed(id, 403, 'REALM_NOT_ALLOWED')))('%s: REALM_NOT_ALLOWED in another realm', async (operationId) => {
    const created = await server.token('john_doe', { realm_ids: ['507F1F77BCF86CD799439012'], alias: `Realm bound ${operationId.replace('.', ' ')}` });
    const elsewhere = await server.as({ token: created.token }, { baseUrl: 'http://507f1f77bcf86cd799439013.api.test' });
    await expectError(await sampleCalls[operationId](elsewhere, DEMO_USERS.john_doe.id), 403, 'REALM_NOT_ALLOWED');
    const inRealm = await server.as({ token: created.token }, { baseUrl: 'http://507f1f77bcf86cd799439012.api.test' });
    // In its realm, the realm check passes (authTokens.create may still refuse a result outside the token's reach).
    expect(((await sampleCalls[operationId](inRealm, DEMO_USERS.john_doe.id)).error as { code?: string } | undefined)?.code).not.toBe('REALM_NOT_ALLOWED');
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY says how many proxies to trust', async () => {
    const direct = await startTestServer({ trustProxyHops: 0 });
    const created = await direct.token('john_doe', { alias: 'Loopback only', ip_whitelist: ['127.0.0.1'] });
    const spoofing = await direct.as({ token: created.token }, { headers: { 'X-Forwarded-For': '10.9.9.9' } });
    expect((await spoofing.authTokens.getCurrent()).response.status).toBe(200);
    const twoHops = await startTestServer({ trustProxyHops: 2 });
    const behindProxies = await twoHops.token('john_doe', { alias: 'Office only', ip_whitelist: ['203.0.113.0/24'] });
    // client, then the first proxy's address; the last entry was added by the proxy nearest to us.
    const ok = await twoHops.as({ token: behindProxies.token }, { headers: { 'X-Forwarded-For': '10.0.0.1, 203.0.113.5, 192.168.0.2' } });
    expect((await ok.authTokens.getCurrent()).response.status).toBe(200);
    const spoofed = await twoHops.as({ token: behindProxies.token }, { headers: { 'X-Forwarded-For': '203.0.113.5, 10.0.0.1, 192.168.0.2' } });
    expect((await spoofed.authTokens.getCurrent()).error?.code).toBe('IP_NOT_ALLOWED');
  });

  it('getCurrent is exempt from realm checks so a realm-bound token can discover its realms', async () => {
    const created = await server.token('john_doe', { realm_ids: [REALM], allow_no_realm: false, alias: 'Discovery' });
    const { data } = await (await server.as({ token: created.token })).authTokens.getCurrent();
    expect(data?.data.restrictions).toEqual({
      has_realm_restrictions: true,
      requires_realm_scope: true,
      allowed_realm_ids: [REALM],
      allow_no_realm: false,
      active_realm_id: null,
    });
  });
});
