import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/passwords.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { PUBLIC_KEY } from '../support/sample-calls.js';
import { sharedTestServer, startTestServer } from '../support/server.js';
import { codeOf } from '../support/results.js';

const { admin, john_doe: john, jane_roe: jane } = DEMO_USERS;
const server = sharedTestServer();

describe('users.get', () => {
  it('answers the caller their own profile, without secrets', async () => {
    const { data, response } = await (await server.as('john_doe')).users.get({ id: john.id });
    expect(response.status).toBe(200);
    expect(data?.message).toBe('User retrieved successfully');
    expect(data?.data).toMatchObject({ id: john.id, username: 'john_doe', alias: 'John Doe', email: 'john.doe@example.com', is_admin: false });
    expect(JSON.stringify(data)).not.toMatch(/password|scrypt|totp/);
  });

  it('lets admins read anyone, and answers 404 for an unknown user', async () => {
    const api = await server.as('admin');
    expect((await api.users.get({ id: jane.id })).data?.data.username).toBe('jane_roe');
    const missing = await api.users.get({ id: '6650ffffffffffffffffffff' });
    expect([missing.response.status, codeOf(missing)]).toEqual([404, 'USER_NOT_FOUND']);
  });

  it('refuses a regular user another profile', async () => {
    const result = await (await server.as('john_doe')).users.get({ id: jane.id });
    expect([result.response.status, codeOf(result)]).toEqual([403, 'INSUFFICIENT_PERMISSIONS']);
  });

  it('answers INVALID_ID_FORMAT for a malformed id and VALIDATION_ERROR for an unknown query parameter', async () => {
    const api = await server.as('john_doe');
    const malformed = await api.users.get({ id: '507F1F77BCF86CD79943901' });
    expect([malformed.response.status, codeOf(malformed)]).toEqual([400, 'INVALID_ID_FORMAT']);
    const response = await server.fetch(
      new Request(`http://localhost/api/v1/users/${john.id}?fields=all`, { headers: { authorization: `Bearer ${await server.jwtFor('john_doe')}` } }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'query.fields', message: 'unknown query parameter' }] });
  });
});

describe('users.update', () => {
  it('updates alias, public key and metadata of the caller', async () => {
    const api = await server.as('jane_roe');
    const { data, response } = await api.users.update({
      id: jane.id,
      data: { alias: 'Jane R.', public_key: PUBLIC_KEY.toUpperCase(), metadata: { team: 'ops' } },
    });
    expect(response.status).toBe(200);
    expect(data?.data).toMatchObject({ alias: 'Jane R.', public_key: PUBLIC_KEY, metadata: { team: 'ops' } });
    expect((await api.users.get({ id: jane.id })).data?.data.alias).toBe('Jane R.');
  });

  it.each([
    ['an alias of 101 characters', { alias: 'x'.repeat(101) }, 'VALIDATION_ERROR'],
    ['an unknown field', { nickname: 'x' }, 'VALIDATION_ERROR'],
    ['an empty body', {}, 'VALIDATION_ERROR'],
    ['a short public key', { public_key: 'abc123' }, 'INVALID_PUBLIC_KEY_FORMAT'],
    ['a password of one character class', { password: 'alllowercaseletters', current_password: 'Correct-Horse-Battery-9' }, 'WEAK_PASSWORD'],
    ['a new password without the current one', { password: 'New-Passw0rd-2025' }, 'CURRENT_PASSWORD_REQUIRED'],
    ['a wrong current password', { password: 'New-Passw0rd-2025', current_password: 'Wrong-Passw0rd-1' }, 'CURRENT_PASSWORD_INCORRECT'],
  ])('refuses %s with 400 and changes nothing', async (_case, body, code) => {
    const api = await server.as('john_doe');
    const before = await server.store.getUser(john.id);
    const result = await api.users.update({ id: john.id, data: body as never });
    expect([result.response.status, codeOf(result)]).toEqual([400, code]);
    expect(await server.store.getUser(john.id)).toEqual(before);
  });

  it('answers INVALID_ID_FORMAT for a malformed id', async () => {
    const result = await (await server.as('john_doe')).users.update({ id: 'nope', data: { alias: 'x' } });
    expect([result.response.status, codeOf(result)]).toEqual([400, 'INVALID_ID_FORMAT']);
  });

  it('changes the password with the current one, and the new one verifies', async () => {
    const local = await startTestServer();
    const api = await local.as('jane_roe');
    const result = await api.users.update({ id: jane.id, data: { password: 'Brand-New-Passw0rd', current_password: jane.password } });
    expect(result.response.status).toBe(200);
    const stored = await local.store.getUser(jane.id);
    expect(await verifyPassword('Brand-New-Passw0rd', stored!.password_hash)).toBe(true);
    expect(await verifyPassword(jane.password, stored!.password_hash)).toBe(false);
  });

  it('refuses regular users other profiles and admin-only flags', async () => {
    const api = await server.as('john_doe');
    const other = await api.users.update({ id: jane.id, data: { alias: 'Hacked' } });
    expect([other.response.status, codeOf(other)]).toEqual([403, 'CANNOT_MODIFY_OTHER_USER']);
    const flag = await api.users.update({ id: john.id, data: { is_admin: true } });
    expect([flag.response.status, codeOf(flag)]).toEqual([403, 'INSUFFICIENT_PERMISSIONS']);
    expect((await server.store.getUser(john.id))?.is_admin).toBe(false);
    expect((await server.store.getUser(jane.id))?.alias).not.toBe('Hacked');
  });

  it('lets admins ban and unban users, but never ban an admin', async () => {
    const local = await startTestServer();
    const api = await local.as('admin');
    expect((await api.users.update({ id: jane.id, data: { is_banned: true } })).data?.data.is_banned).toBe(true);
    expect((await api.users.update({ id: jane.id, data: { is_banned: false } })).data?.data.is_banned).toBe(false);
    const banAdmin = await api.users.update({ id: admin.id, data: { is_banned: true } });
    expect([banAdmin.response.status, codeOf(banAdmin)]).toEqual([403, 'CANNOT_BAN_ADMIN']);
    const promoteAndBan = await api.users.update({ id: jane.id, data: { is_admin: true, is_banned: true } });
    expect([promoteAndBan.response.status, codeOf(promoteAndBan)]).toEqual([403, 'CANNOT_BAN_ADMIN']);
    expect(await local.store.getUser(jane.id)).toMatchObject({ is_admin: false, is_banned: false });
    const missing = await api.users.update({ id: '6650ffffffffffffffffffff', data: { alias: 'Ghost' } });
    expect([missing.response.status, codeOf(missing)]).toEqual([404, 'USER_NOT_FOUND']);
  });
});

describe('users.retrySetup', () => {
  it('provisions once, honours region, and is idempotent under concurrent calls', async () => {
    const local = await startTestServer();
    const api = await local.as('jane_roe');
    const results = await Promise.all(Array.from({ length: 10 }, () => api.users.retrySetup({ data: { region: 'eu-west-2' } })));
    const created = results.filter((r) => r.data?.data.already_provisioned === false);
    expect(created).toHaveLength(1);
    const ids = new Set(results.map((r) => r.data?.data.server.id));
    expect(ids.size).toBe(1);
    expect(results[0].data?.data.server).toMatchObject({ region: 'eu-west-2', tier: 'free', status: 'active' });
    const again = await api.users.retrySetup({ data: { region: 'us-west-1' } });
    expect(again.data?.data).toMatchObject({ already_provisioned: true, server: { region: 'eu-west-2' } });
    expect(again.data?.data.container.project_id).toBe(again.data?.data.project.id);
  });

  it('works without a body and refuses a bad region', async () => {
    const local = await startTestServer();
    const api = await local.as('john_doe');
    const bad = await api.users.retrySetup({ data: { region: 'US East' } });
    expect([bad.response.status, codeOf(bad)]).toEqual([400, 'VALIDATION_ERROR']);
    const ok = await api.users.retrySetup();
    expect(ok.data?.data).toMatchObject({
      already_provisioned: false,
      server: { region: 'us-east-1' },
      project: { name: 'Default project', is_default: true },
    });
  });
});
