/**
 * The OWASP API Top 10 attack suite, each case printing its figure: object-level authorization (BOLA),
 * function-level authorization across roles and credential kinds, mass assignment, token guessing and forgery,
 * IP allowlists, TOTP, and body limits. Runs on the memory store and, in the postgres project, on PostgreSQL.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { OperationId } from '../../generated/operations.gen.js';
import { digestApiToken, generateApiToken, isWellFormedApiToken } from '../../src/auth/api-tokens.js';
import { ipAllowed, isValidIpEntry, normaliseIp } from '../../src/auth/ip-allowlist.js';
import { currentStep, matchTotp, totpAt } from '../../src/auth/totp.js';
import { newId } from '../../src/domain/ids.js';
import { readPolicy } from '../../src/spec/policy.js';
import { loadSpec } from '../../src/spec/operations.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import type { PermissionMap } from '../../src/store/types.js';
import { operationIds, sampleCalls, REALM } from '../support/sample-calls.js';
import { startServerProcess } from '../support/process.js';
import { makeTestStore, startTestServer, type TestServer } from '../support/server.js';
import { withFaults } from '../support/faulty-store.js';
import { userStateSnapshot } from '../support/snapshot.js';

const policy = readPolicy(loadSpec());
const john = DEMO_USERS.john_doe.id;
const templates = policy.templates;

/** A token written straight into the store (so banned users get some too), answering its plain value. */
async function plantToken(
  server: TestServer,
  userId: string,
  fields: { permissions?: PermissionMap; vault_access?: boolean; realm_ids?: string[]; allow_no_realm?: boolean },
) {
  const plain = generateApiToken();
  const at = new Date().toISOString();
  await server.store.createToken(
    {
      id: newId(),
      user_id: userId,
      token_digest: digestApiToken(plain),
      public_key: null,
      public_storage: null,
      ip_whitelist: ['*'],
      realm_ids: fields.realm_ids ?? [],
      allow_no_realm: fields.allow_no_realm ?? true,
      permissions: fields.permissions ?? {},
      expires_at: null,
      is_enabled: true,
      vault_access: fields.vault_access ?? false,
      event_access: true,
      last_used_at: null,
      last_used_ip: null,
      created_at: at,
      updated_at: at,
    },
    [`Planted ${plain.slice(4, 12)}`],
  );
  return plain;
}

const johnSnapshot = (server: TestServer) => userStateSnapshot(server.store, john);

describe('attack suite', () => {
  it('BOLA: user B against every object of user A: 0 leaks, 0 changes', async () => {
    const server = await startTestServer();
    const asJohn = await server.as('john_doe');
    const secretToken = (await asJohn.authTokens.create({ data: { alias: 'Johns secret token', public_key: 'b'.repeat(64), realm_ids: [REALM] } })).data!.data;
    await asJohn.vault.set({ key: 'johns-secret', data: { value: 'JOHN-SECRET-VALUE' } });
    await asJohn.vault.set({ key: 'johns-secret', realm_id: REALM, data: { value: 'JOHN-REALM-SECRET' } });
    const before = await johnSnapshot(server);
    const jane = await server.as('jane_roe');
    const janeToken = await server.as({ token: (await server.token('jane_roe', { alias: 'Jane full' })).token });
    const attempts: Array<() => Promise<{ response?: Response | undefined; data?: unknown; error?: unknown }>> = [];
    for (const api of [jane, janeToken]) {
      attempts.push(
        () => api.users.get({ id: john }),
        () => api.users.update({ id: john, data: { alias: 'Owned' } }),
        () => api.authTokens.get({ id: secretToken.id }),
        () => api.authTokens.update({ id: secretToken.id, data: { is_enabled: false } }),
        () => api.authTokens.delete({ id: secretToken.id }),
        () => api.authTokens.addRealm({ id: secretToken.id, data: { realm_id: '507f1f77bcf86cd799439013' } }),
        () => api.authTokens.removeRealm({ id: secretToken.id, data: { realm_id: REALM } }),
        () => api.authTokens.copy({ id: secretToken.id }),
        () => api.vault.get({ key: 'johns-secret' }),
        () => api.vault.get({ key: 'johns-secret', realm_id: REALM }),
        () => api.vault.delete({ key: 'johns-secret' }),
        () => api.vault.clear({ realm_id: REALM }),
        () => api.vault.list({ realm_id: REALM }),
        () => api.activity.list(),
        () => api.authTokens.list(),
        () => api.realms.list({ include_usage: true }),
      );
    }
    let leaks = 0;
    for (const attempt of attempts) {
      const result = await attempt();
      const text = JSON.stringify(result.data ?? result.error);
      // John's data, not ids the attacker typed (which her own activity log rightly shows).
      if (/JOHN-SECRET|JOHN-REALM|Johns secret token|john\.doe@example\.com/.test(text)) leaks += 1;
    }
    const changes = (await johnSnapshot(server)) === before ? 0 : 1;
    console.log(`BOLA: ${attempts.length} attempts by another user, ${leaks} leaks, ${changes} changes`);
    expect([leaks, changes]).toEqual([0, 0]);
  });

  it('function level: roles x credential kinds x operations answer what the spec says, 0 unexpected 2xx', async () => {
    const server = await startTestServer();
    const roles = { admin: DEMO_USERS.admin.id, regular: john, banned: DEMO_USERS.banned_bob.id } as const;
    type Kind = { name: string; permissions?: PermissionMap; vault?: boolean; realmBound?: boolean; jwt?: boolean };
    const kinds: Kind[] = [
      { name: 'session JWT', jwt: true },
      ...Object.entries(templates).map(([name, permissions]) => ({ name: `token ${name}`, permissions, vault: true })),
      { name: 'token without permissions', permissions: {}, vault: true },
      { name: 'realm-bound token', permissions: templates.full_access, vault: true, realmBound: true },
    ];
    let cells = 0;
    let unexpected2xx = 0;
    const mismatches: string[] = [];
    for (const [role, userId] of Object.entries(roles)) {
      for (const kind of kinds) {
        const credential = kind.jwt
          ? await server.jwtFor(role === 'admin' ? 'admin' : role === 'regular' ? 'john_doe' : 'banned_bob')
          : await plantToken(server, userId, {
              permissions: kind.permissions,
              vault_access: kind.vault,
              realm_ids: kind.realmBound ? ['507f1f77bcf86cd799439013'] : [],
              allow_no_realm: !kind.realmBound,
            });
        const api = await server.as({ token: credential });
        for (const operationId of operationIds) {
          const op = policy.operations.get(operationId)!;
          const own = operationId === 'users.get' && role === 'banned';
          // What the spec's rules forbid for this cell, in the pipeline's order.
          const forbidden = Boolean(
            (role === 'banned' && !own) ||
            (op.tokenOnly && kind.jwt) ||
            (!kind.jwt && op.permission !== null && kind.permissions?.[op.permission.split('.')[0]]?.[op.permission.split('.')[1]] !== true) ||
            (!kind.jwt && kind.realmBound && !op.realmExempt),
          );
          const result = await sampleCalls[operationId as OperationId](api, own ? DEMO_USERS.banned_bob.id : userId);
          cells += 1;
          const status = result.response!.status;
          if (forbidden && status < 300) unexpected2xx += 1;
          if (forbidden !== (status === 403)) mismatches.push(`${role} / ${kind.name} / ${operationId}: ${status}`);
        }
      }
    }
    console.log(
      `function level: ${cells} cells (3 roles x ${kinds.length} credential kinds x ${operationIds.length} operations), ${unexpected2xx} unexpected 2xx, ${mismatches.length} mismatches`,
    );
    expect(unexpected2xx).toBe(0);
    expect(mismatches).toEqual([]);
  });

  it('mass assignment: extra or forbidden fields in every writable body change nothing', async () => {
    const server = await startTestServer();
    const api = await server.as('john_doe');
    const token = (await api.authTokens.create({ data: { alias: 'Target' } })).data!.data;
    const viaToken = await server.as({ token: (await server.token('john_doe', { alias: 'Profile token' })).token });
    const extras = {
      is_admin: true,
      id: '6650ffffffffffffffffffff',
      user_id: DEMO_USERS.admin.id,
      created_at: '2000-01-01T00:00:00.000Z',
      token: 'hdy_forged',
    };
    const before = await johnSnapshot(server);
    const attempts = [
      () => api.users.update({ id: john, data: { alias: 'Mass', ...extras } as never }),
      () => api.users.update({ id: john, data: { is_admin: true } }),
      () => api.users.retrySetup({ data: { region: 'eu-west-1', ...extras } as never }),
      () => api.vault.set({ key: 'mass', data: { value: 'v', ...extras } as never }),
      () => api.authTokens.create({ data: { alias: 'Mass', ...extras } as never }),
      () => api.authTokens.update({ id: token.id, data: { alias: 'Mass', ...extras } as never }),
      () => api.authTokens.copy({ id: token.id, data: { ...extras } as never }),
      () => api.authTokens.addRealm({ id: token.id, data: { realm_id: REALM, ...extras } as never }),
      () => api.authTokens.removeRealm({ id: token.id, data: { realm_id: REALM, ...extras } as never }),
      () => viaToken.authTokens.updatePublicProfile({ data: { public_storage: {}, ...extras } as never }),
    ];
    const statuses = [];
    for (const attempt of attempts) statuses.push((await attempt()).response!.status);
    const changed = (await johnSnapshot(server)) === before ? 0 : 1;
    console.log(`mass assignment: ${attempts.length} bodies with forbidden fields -> ${statuses.join(' ')}; ${changed} fields changed`);
    expect(statuses.every((status) => status === 400 || status === 403)).toBe(true);
    expect(changed).toBe(0);
    expect((await server.store.getUser(john))?.is_admin).toBe(false);
  });

  it('tokens: 10,000 generated without collision and with valid checksums; 10,000 mutated all 401 without a store lookup', async () => {
    const generated = Array.from({ length: 10_000 }, generateApiToken);
    const collisions = generated.length - new Set(generated).size;
    const valid = generated.filter(isWellFormedApiToken).length;
    const { store, inject } = withFaults(await makeTestStore());
    const server = await startTestServer({ store });
    const real = (await server.token('john_doe', { alias: 'Original' })).token;
    let lookups = 0;
    inject('findTokenByDigest', (find) => async (digest) => {
      lookups += 1;
      return find(digest);
    });
    const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    let refused = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const position = 4 + (i % (real.length - 4));
      const replacement = BASE62[(BASE62.indexOf(real[position]) + 1 + (i % 61)) % 62];
      const mutated = real.slice(0, position) + replacement + real.slice(position + 1);
      const response = await server.app.request(new Request(`http://localhost/api/v1/users/${john}`, { headers: { authorization: `Bearer ${mutated}` } }));
      if (response.status === 401 && (await response.json()).code === 'INVALID_TOKEN') refused += 1;
    }
    console.log(
      `tokens: 10000 generated, ${collisions} collisions, ${valid} valid checksums; 10000 mutated, ${refused} refused with 401, ${lookups} store lookups`,
    );
    expect([collisions, valid, refused, lookups]).toEqual([0, 10_000, 10_000, 0]);
  }, 180_000);

  it('IP allowlists: a table of 24 cases, 0 mismatches', () => {
    const cases: Array<[string[], string, boolean]> = [
      [['10.0.0.1'], '10.0.0.1', true],
      [['10.0.0.1'], '10.0.0.2', false],
      [['10.0.0.0/8'], '10.255.255.255', true],
      [['10.0.0.0/8'], '11.0.0.0', false],
      [['192.168.1.0/24'], '192.168.1.77', true],
      [['192.168.1.0/24'], '192.168.2.1', false],
      [['0.0.0.0/0'], '8.8.8.8', true],
      [['203.0.113.7/32'], '203.0.113.7', true],
      [['203.0.113.7/32'], '203.0.113.8', false],
      [['*'], '2001:db8::1', true],
      [['10.0.0.1'], '::ffff:10.0.0.1', true],
      [['10.0.0.1'], '::FFFF:10.0.0.1', true],
      [['10.0.0.1'], '::ffff:10.0.0.2', false],
      [['10.0.0.1'], '2001:db8::1', false],
      [['10.0.0.1'], '10.0.0.1.evil', false],
      [['172.16.0.0/12'], '172.31.255.1', true],
      [['172.16.0.0/12'], '172.32.0.1', false],
      [['10.0.0.1', '10.0.0.2'], '10.0.0.2', true],
      [['256.0.0.1'], '256.0.0.1', false],
    ];
    const entries: Array<[string, boolean]> = [
      ['10.0.0.256', false],
      ['10.0.0.0/33', false],
      ['10.0.0.0/32', true],
      ['1.2.3', false],
      ['*', true],
    ];
    const mismatches = [
      ...cases.filter(([list, ip, allowed]) => ipAllowed(list, ip) !== allowed).map(([list, ip]) => `${list} ${ip}`),
      ...entries.filter(([entry, ok]) => isValidIpEntry(entry) !== ok).map(([entry]) => entry),
    ];
    console.log(`IP allowlists: ${cases.length + entries.length} cases, ${mismatches.length} mismatches`);
    expect(cases.length + entries.length).toBeGreaterThanOrEqual(20);
    expect(mismatches).toEqual([]);
    expect(normaliseIp('::ffff:192.168.0.1')).toBe('192.168.0.1');
  });

  it('IP allowlists through the API: a spoofed X-Forwarded-For is ignored without TRUST_PROXY', async () => {
    const server = await startTestServer({ trustProxyHops: 0 });
    const token = (await server.token('john_doe', { alias: 'Office', ip_whitelist: ['10.1.2.3'] })).token;
    const spoofed = await (await server.as({ token }, { headers: { 'X-Forwarded-For': '10.1.2.3' } })).authTokens.getCurrent();
    console.log(`spoofed X-Forwarded-For without TRUST_PROXY: ${spoofed.response!.status}`);
    expect(spoofed.error?.code).toBe('IP_NOT_ALLOWED');
  });

  it('TOTP: previous, current and next step accepted; two away and replays rejected; guessing is rate-limited', async () => {
    const secret = DEMO_USERS.otp_olivia.totpSecret;
    const now = Date.parse('2030-05-01T10:00:10Z');
    const step = currentStep(now);
    const accepted = [-1, 0, 1].filter((delta) => matchTotp(secret, totpAt(secret, step + delta), now) === step + delta).length;
    const rejected = [-3, -2, 2, 3].filter((delta) => matchTotp(secret, totpAt(secret, step + delta), now) === undefined).length;
    const server = await startTestServer({ clock: () => new Date(now), rateLimits: { authFailuresPerIp: 5 } });
    const olivia = await server.as('otp_olivia', { headers: { 'X-Forwarded-For': '198.51.100.9' } });
    const code = totpAt(secret, step);
    const first = await olivia.authTokens.create({ data: { alias: 'With code', otp_code: code } });
    const replay = await olivia.authTokens.create({ data: { alias: 'Replayed', otp_code: code } });
    const guesses: number[] = [];
    for (let i = 0; i < 10; i += 1) guesses.push((await olivia.authTokens.create({ data: { alias: 'Guess', otp_code: String(100000 + i) } })).response!.status);
    console.log(`TOTP: ${accepted}/3 drift steps accepted, ${rejected}/4 far steps rejected, replay ${replay.error?.code}, 10 guesses -> ${guesses.join(' ')}`);
    expect([accepted, rejected, first.response!.status, replay.error?.code]).toEqual([3, 4, 201, 'INVALID_OTP_CODE']);
    expect(guesses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
  });

  it('body limits: over the limit plainly, chunked, or with a declared Content-Length, 413 before any handler runs', async () => {
    const server = await startTestServer();
    const jwt = await server.jwtFor('john_doe');
    const before = await johnSnapshot(server);
    const big = JSON.stringify({ alias: 'x'.repeat(1_100_000) });
    const plain = await server.app.request(
      new Request('http://localhost/api/v1/auth/tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: big,
      }),
    );
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 40; i += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(50_000)));
        controller.close();
      },
    });
    const chunked = await server.app.request(
      new Request('http://localhost/api/v1/auth/tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: chunks,
        duplex: 'half',
      } as RequestInit),
    );
    // Over the network: a Content-Length over the limit is refused before the body is read.
    const process = await startServerProcess();
    const processJwt = process.output().match(/john_doe +(\S+)/)![1];
    const declared = await new Promise<string>((resolve, reject) => {
      const url = new URL(process.url);
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST /api/v1/auth/tokens HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${processJwt}\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{"alias":"x"}`,
        );
      });
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk;
        if (answer.includes('PAYLOAD_TOO_LARGE')) socket.destroy();
      });
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
      setTimeout(() => socket.destroy(), 5000);
    });
    await process.stop();
    const changed = (await johnSnapshot(server)) === before ? 0 : 1;
    console.log(`body limits: plain ${plain.status}, chunked ${chunked.status}, declared Content-Length ${declared.split(' ')[1]}; ${changed} changes`);
    expect([plain.status, chunked.status, declared.split(' ')[1], changed]).toEqual([413, 413, '413', 0]);
  });
});
