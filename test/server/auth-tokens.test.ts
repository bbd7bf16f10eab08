import { describe, expect, it } from 'vitest';
import { isWellFormedApiToken } from '../../src/auth/api-tokens.js';
import { currentStep, totpAt } from '../../src/auth/totp.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { PUBLIC_KEY, SOME_ID, REALM } from '../support/sample-calls.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { codeOf } from '../support/results.js';

const realmA = REALM;
const realmB = '507f1f77bcf86cd799439013';
const OTHER_KEY = 'b'.repeat(64);

async function tokenCount(server: TestServer, user: keyof typeof DEMO_USERS) {
  return (await server.store.listTokens(DEMO_USERS[user].id, 1, 100)).total;
}

describe('authTokens.create', () => {
  it('creates a token with defaults, shows the value once, and stores only its digest', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    const { data, response } = await api.authTokens.create({ data: {} });
    expect(response.status).toBe(201);
    const token = data!.data;
    expect(isWellFormedApiToken(token.token)).toBe(true);
    expect(token).toMatchObject({
      prefix: 'hdy_',
      ip_whitelist: ['*'],
      realm_ids: [],
      allow_no_realm: true,
      vault_access: false,
      event_access: true,
      expires_at: null,
      is_enabled: true,
      permissions: {},
    });
    expect(token.alias).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ \d{4}$/);
    const stored = await server.store.getToken(DEMO_USERS.jane_roe.id, token.id);
    expect(JSON.stringify(stored)).not.toContain(token.token);
    const listed = await api.authTokens.list();
    expect(JSON.stringify(listed.data)).not.toContain(token.token);
    expect(JSON.stringify(await api.authTokens.get({ id: token.id }))).not.toContain(token.token);
  });

  it('takes every field form: comma-separated IPs, templates over permissions, realm ids, expiration forms', async () => {
    const now = new Date('2030-05-01T10:00:00Z');
    const server = await startTestServer({ clock: () => now });
    const api = await server.as('jane_roe');
    const { data } = await api.authTokens.create({
      data: {
        alias: 'Production API Key',
        public_key: PUBLIC_KEY.toUpperCase(),
        public_storage: { display_name: 'Prod' },
        ip_whitelist: '192.168.1.0/24, 10.0.0.1',
        permission_template: 'read_only',
        permissions: { anything: { write: true } },
        realm_ids: [realmA.toUpperCase(), realmA, realmB],
        allow_no_realm: false,
        vault_access: true,
        event_access: false,
        expires_at: 1904896799000,
      },
    });
    expect(data?.data).toMatchObject({
      alias: 'Production API Key',
      public_key: PUBLIC_KEY,
      public_storage: { display_name: 'Prod' },
      ip_whitelist: ['192.168.1.0/24', '10.0.0.1'],
      realm_ids: [realmA, realmB],
      allow_no_realm: false,
      vault_access: true,
      event_access: false,
      expires_at: '2030-05-13T09:59:59.000Z',
    });
    expect(data?.data.permissions).toMatchObject({ users: { read: true }, vault: { read: true } });
    expect(data?.data.permissions).not.toHaveProperty('anything');
    for (const [input, expected] of [
      ['tomorrow', '2030-05-02T23:59:59.999Z'],
      ['2030-06-01', '2030-06-01T23:59:59.999Z'],
      [1904896799, '2030-05-13T09:59:59.000Z'],
      ['2030-07-01T12:00:00+02:00', '2030-07-01T10:00:00.000Z'],
    ] as const) {
      const created = await api.authTokens.create({ data: { expires_at: input } });
      expect(created.data?.data.expires_at).toBe(expected);
    }
  });

  it.each([
    ['an unknown field', { is_admin: true }, 'VALIDATION_ERROR'],
    ['an unknown template', { permission_template: 'root' }, 'VALIDATION_ERROR'],
    ['an alias with a slash', { alias: 'prod/key' }, 'INVALID_ALIAS_FORMAT'],
    ['an octet over 255', { ip_whitelist: ['10.0.0.256'] }, 'INVALID_IP_FORMAT'],
    ['a /33 range', { ip_whitelist: '10.0.0.0/33' }, 'INVALID_IP_FORMAT'],
    ['a short realm id', { realm_ids: ['507f1f77'] }, 'INVALID_REALM_ID_FORMAT'],
    ['a free-text expiration', { expires_at: 'next week' }, 'INVALID_EXPIRATION_FORMAT'],
    ['an impossible date', { expires_at: '2031-02-30' }, 'INVALID_EXPIRATION_FORMAT'],
    ['a past expiration', { expires_at: '2001-01-01' }, 'EXPIRATION_IN_PAST'],
    ['a 63-character public key', { public_key: 'a'.repeat(63) }, 'INVALID_PUBLIC_KEY_FORMAT'],
    ['public storage over 64 KB', { public_storage: { blob: 'x'.repeat(65_536) } }, 'PUBLIC_STORAGE_TOO_LARGE'],
  ])('refuses %s with 400 and creates nothing', async (_case, body, code) => {
    const server = await startTestServer();
    const result = await (await server.as('jane_roe')).authTokens.create({ data: body as never });
    expect([result.response.status, codeOf(result)]).toEqual([400, code]);
    expect(await tokenCount(server, 'jane_roe')).toBe(0);
  });

  it('refuses a request without a body with MISSING_REQUIRED_FIELD', async () => {
    const server = await startTestServer();
    const response = await server.fetch(
      new Request('http://localhost/api/v1/auth/tokens', { method: 'POST', headers: { authorization: `Bearer ${await server.jwtFor('jane_roe')}` } }),
    );
    expect([response.status, (await response.json()).code]).toEqual([400, 'MISSING_REQUIRED_FIELD']);
  });

  it('refuses duplicate aliases and public keys with 409; 20 concurrent creates with one alias give 1 x 201', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    const results = await Promise.all(Array.from({ length: 20 }, () => api.authTokens.create({ data: { alias: 'Same alias' } })));
    const statuses = results.map((r) => r.response.status);
    console.log(`alias race: ${statuses.filter((s) => s === 201).length} x 201, ${statuses.filter((s) => s === 409).length} x 409`);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'DUPLICATE_ALIAS')).toHaveLength(19);
    // Another user may use the same alias; nobody may reuse a public key.
    expect((await (await server.as('john_doe')).authTokens.create({ data: { alias: 'Same alias', public_key: OTHER_KEY } })).response.status).toBe(201);
    const key = await api.authTokens.create({ data: { public_key: OTHER_KEY.toUpperCase() } });
    expect([key.response.status, codeOf(key)]).toEqual([409, 'PUBLIC_KEY_IN_USE']);
  });

  it('does not let a token grant rights it lacks', async () => {
    const server = await startTestServer();
    const limited = await server.token('jane_roe', {
      alias: 'Limited',
      permission_template: undefined,
      permissions: { auth_tokens: { create: true } },
      vault_access: false,
    });
    const api = await server.as({ token: limited.token });
    const escalate = await api.authTokens.create({ data: { permission_template: 'full_access' } });
    expect([escalate.response.status, codeOf(escalate)]).toEqual([403, 'INSUFFICIENT_PERMISSIONS']);
    const vault = await api.authTokens.create({ data: { vault_access: true } });
    expect(codeOf(vault)).toBe('INSUFFICIENT_PERMISSIONS');
    expect((await api.authTokens.create({ data: { permissions: { auth_tokens: { create: true } } } })).response.status).toBe(201);
  });
});

describe('2FA on token management with a session JWT', () => {
  it('needs a current code, accepts one step of drift, and refuses a replay and a wrong code', async () => {
    let now = new Date('2030-05-01T10:00:00Z');
    const server = await startTestServer({ clock: () => now });
    const api = await server.as('otp_olivia');
    const secret = DEMO_USERS.otp_olivia.totpSecret;
    const missing = await api.authTokens.create({ data: { alias: 'With OTP' } });
    expect([missing.response.status, codeOf(missing)]).toEqual([400, 'OTP_REQUIRED']);
    const wrong = await api.authTokens.create({ data: { alias: 'With OTP', otp_code: '000000' } });
    expect(codeOf(wrong)).toBe('INVALID_OTP_CODE');
    const malformed = await api.authTokens.create({ data: { alias: 'With OTP', otp_code: '12ab' } });
    expect(codeOf(malformed)).toBe('INVALID_OTP_CODE');
    const step = currentStep(now.getTime());
    const previous = await api.authTokens.create({ data: { alias: 'With OTP', permission_template: 'full_access', otp_code: totpAt(secret, step - 1) } });
    expect(previous.response.status).toBe(201);
    const replay = await api.authTokens.update({ id: previous.data!.data.id, data: { alias: 'Renamed', otp_code: totpAt(secret, step - 1) } });
    expect(codeOf(replay)).toBe('INVALID_OTP_CODE');
    const twoAway = await api.authTokens.update({ id: previous.data!.data.id, data: { alias: 'Renamed', otp_code: totpAt(secret, step + 2) } });
    expect(codeOf(twoAway)).toBe('INVALID_OTP_CODE');
    const next = await api.authTokens.update({ id: previous.data!.data.id, data: { alias: 'Renamed', otp_code: totpAt(secret, step + 1) } });
    expect(next.data?.data.alias).toBe('Renamed');
    now = new Date(now.getTime() + 90_000);
    const id = previous.data!.data.id;
    const fresh = () => totpAt(secret, currentStep(now.getTime()));
    for (const call of [
      () => api.authTokens.addRealm({ id, data: { realm_id: realmA } }),
      () => api.authTokens.removeRealm({ id, data: { realm_id: realmA } }),
      () => api.authTokens.copy({ id }),
    ])
      expect(codeOf(await call())).toBe('OTP_REQUIRED');
    expect((await api.authTokens.addRealm({ id, data: { realm_id: realmA, otp_code: fresh() } })).response.status).toBe(200);
    now = new Date(now.getTime() + 30_000);
    expect((await api.authTokens.removeRealm({ id, data: { realm_id: realmA, otp_code: fresh() } })).response.status).toBe(200);
    now = new Date(now.getTime() + 30_000);
    expect((await api.authTokens.copy({ id, data: { otp_code: fresh() } })).response.status).toBe(201);
    // An API token needs no code.
    const viaToken = await server.as({ token: previous.data!.data.token });
    expect((await viaToken.authTokens.create({ data: { alias: 'Made by token' } })).response.status).toBe(201);
  });
});

describe('2FA codes on every operation that asks for them', () => {
  it.each(['authTokens.create', 'authTokens.update', 'authTokens.addRealm', 'authTokens.removeRealm', 'authTokens.copy'] as const)(
    '%s: OTP_REQUIRED without a code, INVALID_OTP_CODE with a wrong one, and nothing changes',
    async (operationId) => {
      const server = await startTestServer();
      const olivia = await server.token('otp_olivia', { alias: 'Olivia token' }).catch(() => undefined);
      expect(olivia).toBeUndefined(); // creating it with a session JWT needs a code, too
      const api = await server.as('otp_olivia');
      const calls = {
        'authTokens.create': (otp_code?: string) => api.authTokens.create({ data: { alias: 'X', otp_code } }),
        'authTokens.update': (otp_code?: string) => api.authTokens.update({ id: SOME_ID, data: { alias: 'X', otp_code } }),
        'authTokens.addRealm': (otp_code?: string) => api.authTokens.addRealm({ id: SOME_ID, data: { realm_id: realmA, otp_code } }),
        'authTokens.removeRealm': (otp_code?: string) => api.authTokens.removeRealm({ id: SOME_ID, data: { realm_id: realmA, otp_code } }),
        'authTokens.copy': (otp_code?: string) => api.authTokens.copy({ id: SOME_ID, data: { otp_code } }),
      };
      for (const [otp, code] of [
        [undefined, 'OTP_REQUIRED'],
        ['123456', 'INVALID_OTP_CODE'],
        ['ABCDEFGHIJ', 'INVALID_OTP_CODE'],
      ] as const) {
        const result = await calls[operationId](otp);
        expect([result.response.status, codeOf(result)]).toEqual([400, code]);
      }
      expect(await tokenCount(server, 'otp_olivia')).toBe(0);
    },
  );
});

describe('authTokens.get, list, update, delete', () => {
  it("never shows or changes another user's token (404)", async () => {
    const server = await startTestServer();
    const janes = await server.token('jane_roe', { alias: 'Janes' });
    const john = await server.as('john_doe');
    for (const result of [
      await john.authTokens.get({ id: janes.id }),
      await john.authTokens.update({ id: janes.id, data: { is_enabled: false } }),
      await john.authTokens.delete({ id: janes.id }),
      await john.authTokens.addRealm({ id: janes.id, data: { realm_id: realmA } }),
      await john.authTokens.removeRealm({ id: janes.id, data: { realm_id: realmA } }),
      await john.authTokens.copy({ id: janes.id }),
    ])
      expect([result.response.status, codeOf(result)]).toEqual([404, 'TOKEN_NOT_FOUND']);
    expect(await server.store.getToken(DEMO_USERS.jane_roe.id, janes.id)).toMatchObject({ is_enabled: true, realm_ids: [] });
  });

  it('lists newest first with pagination, and iterates every page', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    for (let i = 1; i <= 5; i += 1) await api.authTokens.create({ data: { alias: `Token ${i}` } });
    const { data } = await api.authTokens.list({ limit: 2, page: 2 });
    expect(data?.data.map((t) => t.alias)).toEqual(['Token 3', 'Token 2']);
    expect(data?.metadata).toEqual({ total: 5, page: 2, limit: 2, pages: 3 });
    const aliases: string[] = [];
    for await (const token of api.authTokens.listIterator({ limit: 2 })) aliases.push(token.alias);
    expect(aliases).toEqual(['Token 5', 'Token 4', 'Token 3', 'Token 2', 'Token 1']);
    const bad = await api.authTokens.list({ limit: 500 });
    expect([bad.response.status, codeOf(bad)]).toEqual([400, 'VALIDATION_ERROR']);
  });

  it('updates only the fields sent, and refuses bad input, conflicts and unknown ids', async () => {
    const now = new Date('2030-05-01T10:00:00Z');
    const server = await startTestServer({ clock: () => now });
    const api = await server.as('jane_roe');
    const a = (await api.authTokens.create({ data: { alias: 'A', public_key: OTHER_KEY } })).data!.data;
    const b = (await api.authTokens.create({ data: { alias: 'B', ip_whitelist: ['10.0.0.1'] } })).data!.data;
    const { data } = await api.authTokens.update({
      id: b.id,
      data: { alias: 'B2', ip_whitelist: '*', expires_at: 'tomorrow', permissions: { vault: { read: true } }, realm_ids: [realmA] },
    });
    expect(data?.data).toMatchObject({
      alias: 'B2',
      ip_whitelist: ['*'],
      expires_at: '2030-05-02T23:59:59.999Z',
      permissions: { vault: { read: true } },
      realm_ids: [realmA],
      vault_access: false,
    });
    expect((await api.authTokens.update({ id: b.id, data: { expires_at: null } })).data?.data.expires_at).toBeNull();
    const before = await server.store.getToken(DEMO_USERS.jane_roe.id, b.id);
    for (const [body, status, code] of [
      [{ alias: 'A' }, 409, 'DUPLICATE_ALIAS'],
      [{ public_key: OTHER_KEY }, 409, 'PUBLIC_KEY_IN_USE'],
      [{ alias: 'bad!' }, 400, 'INVALID_ALIAS_FORMAT'],
      [{ ip_whitelist: ['300.1.1.1'] }, 400, 'INVALID_IP_FORMAT'],
      [{ realm_ids: ['zz'] }, 400, 'INVALID_REALM_ID_FORMAT'],
      [{ expires_at: 'soon' }, 400, 'INVALID_EXPIRATION_FORMAT'],
      [{ expires_at: '2020-01-01' }, 400, 'EXPIRATION_IN_PAST'],
      [{ public_key: 'xyz' }, 400, 'INVALID_PUBLIC_KEY_FORMAT'],
      [{ public_storage: { blob: 'y'.repeat(70_000) } }, 400, 'PUBLIC_STORAGE_TOO_LARGE'],
      [{ is_admin: true }, 400, 'VALIDATION_ERROR'],
    ] as const) {
      const result = await api.authTokens.update({ id: b.id, data: body as never });
      expect([result.response.status, codeOf(result)], JSON.stringify(body)).toEqual([status, code]);
    }
    expect(await server.store.getToken(DEMO_USERS.jane_roe.id, b.id)).toEqual(before);
    const malformed = await api.authTokens.update({ id: 'xyz', data: { alias: 'C' } });
    expect([malformed.response.status, codeOf(malformed)]).toEqual([400, 'INVALID_ID_FORMAT']);
    const unknown = await api.authTokens.update({ id: SOME_ID, data: { alias: 'C' } });
    expect([unknown.response.status, codeOf(unknown)]).toEqual([404, 'TOKEN_NOT_FOUND']);
    expect(a.alias).toBe('A');
  });

  it('deletes, then answers 404; malformed ids answer INVALID_ID_FORMAT', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    const created = await server.token('jane_roe', { alias: 'Doomed' });
    expect((await api.authTokens.delete({ id: created.id })).data).toEqual({ statusCode: 200, message: 'Auth token deleted successfully' });
    for (const result of [await api.authTokens.delete({ id: created.id }), await api.authTokens.get({ id: created.id })]) {
      expect([result.response.status, codeOf(result)]).toEqual([404, 'TOKEN_NOT_FOUND']);
    }
    for (const result of [await api.authTokens.get({ id: 'nope' }), await api.authTokens.delete({ id: 'nope' })]) {
      expect([result.response.status, codeOf(result)]).toEqual([400, 'INVALID_ID_FORMAT']);
    }
  });
});

describe('authTokens.addRealm and removeRealm', () => {
  it('are idempotent and atomic: 50 concurrent distinct adds leave 50 realms, 50 identical adds leave 1', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    const distinct = await server.token('jane_roe', { alias: 'Distinct' });
    const realms = Array.from({ length: 50 }, (_, i) => `6650${i.toString(16).padStart(20, '0')}`);
    await Promise.all(realms.map((realm_id) => api.authTokens.addRealm({ id: distinct.id, data: { realm_id } })));
    const afterDistinct = (await api.authTokens.get({ id: distinct.id })).data!.data.realm_ids;
    const same = await server.token('jane_roe', { alias: 'Same' });
    await Promise.all(Array.from({ length: 50 }, () => api.authTokens.addRealm({ id: same.id, data: { realm_id: realmA.toUpperCase() } })));
    const afterSame = (await api.authTokens.get({ id: same.id })).data!.data.realm_ids;
    console.log(`add-realm races: 50 distinct -> ${afterDistinct.length} realms, 50 identical -> ${afterSame.length} realm`);
    expect(new Set(afterDistinct)).toEqual(new Set(realms));
    expect(afterSame).toEqual([realmA]);
    const removed = await api.authTokens.removeRealm({ id: same.id, data: { realm_id: realmA } });
    expect([removed.data?.message, removed.data?.data.realm_ids]).toEqual(['Realm removed from auth token successfully', []]);
    expect((await api.authTokens.removeRealm({ id: same.id, data: { realm_id: realmA } })).response.status).toBe(200);
  });

  it('refuse a malformed realm id, a missing one and unknown fields', async () => {
    const server = await startTestServer();
    const api = await server.as('jane_roe');
    const token = await server.token('jane_roe', { alias: 'Realm input' });
    for (const [call, code] of [
      [() => api.authTokens.addRealm({ id: token.id, data: { realm_id: 'abc' } }), 'INVALID_REALM_ID_FORMAT'],
      [() => api.authTokens.removeRealm({ id: token.id, data: { realm_id: 'abc' } }), 'INVALID_REALM_ID_FORMAT'],
      [() => api.authTokens.addRealm({ id: token.id, data: {} as never }), 'MISSING_REQUIRED_FIELD'],
      [() => api.authTokens.removeRealm({ id: token.id, data: {} as never }), 'MISSING_REQUIRED_FIELD'],
      [() => api.authTokens.addRealm({ id: token.id, data: { realm_id: realmA, extra: 1 } as never }), 'VALIDATION_ERROR'],
      [() => api.authTokens.removeRealm({ id: token.id, data: { realm_id: realmA, extra: 1 } as never }), 'VALIDATION_ERROR'],
      [() => api.authTokens.addRealm({ id: 'bad', data: { realm_id: realmA } }), 'INVALID_ID_FORMAT'],
      [() => api.authTokens.removeRealm({ id: 'bad', data: { realm_id: realmA } }), 'INVALID_ID_FORMAT'],
    ] as const)
      expect(codeOf(await call())).toBe(code);
    expect((await api.authTokens.get({ id: token.id })).data?.data.realm_ids).toEqual([]);
  });
});

describe('authTokens.copy', () => {
  it('copies the configuration into a new secret, names it "<source> copy", then "copy 2"', async () => {
    const now = new Date('2030-05-01T10:00:00Z');
    const server = await startTestServer({ clock: () => now });
    const api = await server.as('jane_roe');
    const source = (
      await api.authTokens.create({
        data: {
          alias: 'Production API Key',
          ip_whitelist: ['10.0.0.1'],
          realm_ids: [realmA],
          allow_no_realm: false,
          vault_access: true,
          permissions: { vault: { read: true } },
          expires_at: '2030-12-31',
          public_key: OTHER_KEY,
        },
      })
    ).data!.data;
    const first = await api.authTokens.copy({ id: source.id });
    expect(first.response.status).toBe(201);
    expect(first.data?.data).toMatchObject({
      alias: 'Production API Key copy',
      ip_whitelist: ['10.0.0.1'],
      realm_ids: [realmA],
      allow_no_realm: false,
      vault_access: true,
      permissions: { vault: { read: true } },
      expires_at: source.expires_at,
      public_key: null,
      is_enabled: true,
    });
    expect(first.data?.data.token).not.toBe(source.token);
    expect((await api.authTokens.copy({ id: source.id })).data?.data.alias).toBe('Production API Key copy 2');
    const named = await api.authTokens.copy({ id: source.id, data: { alias: 'Named copy', expires_at: null } });
    expect(named.data?.data).toMatchObject({ alias: 'Named copy', expires_at: null });
    for (const [body, status, code] of [
      [{ alias: 'Named copy' }, 409, 'DUPLICATE_ALIAS'],
      [{ alias: 'no/slashes' }, 400, 'INVALID_ALIAS_FORMAT'],
      [{ expires_at: 'whenever' }, 400, 'INVALID_EXPIRATION_FORMAT'],
      [{ expires_at: '2020-01-01' }, 400, 'EXPIRATION_IN_PAST'],
      [{ permissions: {} }, 400, 'VALIDATION_ERROR'],
    ] as const) {
      const result = await api.authTokens.copy({ id: source.id, data: body as never });
      expect([result.response.status, codeOf(result)]).toEqual([status, code]);
    }
    const malformed = await api.authTokens.copy({ id: 'bad' });
    expect(codeOf(malformed)).toBe('INVALID_ID_FORMAT');
    expect(await tokenCount(server, 'jane_roe')).toBe(4);
  });
});

describe('authTokens.getCurrent, getPublicProfile, updatePublicProfile', () => {
  it('describe the calling token and publish its profile by public key', async () => {
    const server = await startTestServer();
    const created = await server.token('john_doe', { alias: 'External Customer Token', permission_template: 'dev_team', realm_ids: [realmA] });
    const api = await server.as({ token: created.token }, { baseUrl: `http://${realmA}.api.test` });
    const current = await api.authTokens.getCurrent();
    expect(current.data?.data.token).toMatchObject({ id: created.id, alias: 'External Customer Token' });
    expect(current.data?.data.restrictions.active_realm_id).toBe(realmA);

    const missing = await api.authTokens.getPublicProfile({ public_key: PUBLIC_KEY });
    expect([missing.response.status, codeOf(missing)]).toEqual([404, 'TOKEN_NOT_FOUND']);
    const updated = await api.authTokens.updatePublicProfile({ data: { public_key: PUBLIC_KEY, public_storage: { username_hint: 'acme-team' } } });
    expect(updated.data?.data).toMatchObject({ public_key: PUBLIC_KEY, public_storage: { username_hint: 'acme-team' } });
    const anyone = await server.as('jane_roe');
    const profile = await anyone.authTokens.getPublicProfile({ public_key: PUBLIC_KEY.toUpperCase() });
    expect(profile.data?.data).toEqual({ public_key: PUBLIC_KEY, public_storage: { username_hint: 'acme-team' } });
    const short = await anyone.authTokens.getPublicProfile({ public_key: 'abc' });
    expect([short.response.status, codeOf(short)]).toEqual([400, 'INVALID_PUBLIC_KEY_FORMAT']);
    const cleared = await api.authTokens.updatePublicProfile({ data: { public_key: null } });
    expect(cleared.data?.data.public_key).toBeNull();
    expect((await anyone.authTokens.getPublicProfile({ public_key: PUBLIC_KEY })).response.status).toBe(404);
  });

  it('refuses an empty body, bad fields and a key in use', async () => {
    const server = await startTestServer();
    const holder = await server.token('jane_roe', { alias: 'Holder', public_key: OTHER_KEY });
    const created = await server.token('john_doe', { alias: 'Updater' });
    const api = await server.as({ token: created.token });
    for (const [body, status, code] of [
      [{}, 400, 'VALIDATION_ERROR'],
      [{ public_key: '12' }, 400, 'INVALID_PUBLIC_KEY_FORMAT'],
      [{ public_storage: { blob: 'z'.repeat(66_000) } }, 400, 'PUBLIC_STORAGE_TOO_LARGE'],
      [{ public_key: OTHER_KEY }, 409, 'PUBLIC_KEY_IN_USE'],
    ] as const) {
      const result = await api.authTokens.updatePublicProfile({ data: body as never });
      expect([result.response.status, codeOf(result)]).toEqual([status, code]);
    }
    expect((await server.store.getToken(DEMO_USERS.john_doe.id, created.id))?.public_key).toBeNull();
    expect(holder.public_key).toBe(OTHER_KEY);
  });
});
