/**
 * Hostile inputs, on both stores: the worst bodies that fit under an operation's limit are refused in linear time
 * with their documented code; strings PostgreSQL cannot store are refused before any write; the worst accepted
 * values read back equal; every path lands in the activity log; quota refusals do not fill it; forwarded addresses
 * are used only when they are addresses; a JWT has one string; parallel vault writes by one user never answer 500.
 * Figures are printed.
 */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/pipeline/json-body.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { userStateSnapshot } from '../support/snapshot.js';
import { startTestServer, type TestServer } from '../support/server.js';

const john = DEMO_USERS.john_doe.id;
const MIB = 1_048_576;

async function raw(server: TestServer, method: string, path: string, init: { body?: string; jwt?: string; headers?: Record<string, string> } = {}) {
  const started = performance.now();
  const response = await server.app.request(
    new Request(`http://localhost${path}`, {
      method,
      body: init.body,
      headers: { authorization: `Bearer ${init.jwt ?? (await server.jwtFor('john_doe'))}`, 'content-type': 'application/json', ...init.headers },
    }),
  );
  const body = (await response.json()) as { code?: string; details?: unknown[] };
  return { status: response.status, code: body.code, details: body.details, ms: performance.now() - started };
}

/** A JSON array of `count` copies of `item`, padded to just under `bytes` when count is derived from it. */
const arrayOf = (item: string, bytes: number) => `[${Array.from({ length: Math.floor((bytes - 64) / (item.length + 1)) }, () => item).join(',')}]`;

describe('hostile inputs', () => {
  it('the worst bodies under the 1 MiB limit answer 400 with their code, in time linear in their size', async () => {
    const server = await startTestServer();
    const jwt = await server.jwtFor('john_doe');
    const normal = await raw(server, 'POST', '/api/v1/auth/tokens', { jwt, body: JSON.stringify({ alias: 'Normal', ip_whitelist: ['10.0.0.1'] }) });
    const before = await userStateSnapshot(server.store, john);
    const cases: Array<[string, string, string, string]> = [
      ['ip_whitelist: 1 MiB of invalid entries', '/api/v1/auth/tokens', `{"ip_whitelist":${arrayOf('"x"', MIB)}}`, 'INVALID_IP_FORMAT'],
      ['realm_ids: 1 MiB of invalid ids', '/api/v1/auth/tokens', `{"realm_ids":${arrayOf('"x"', MIB)}}`, 'INVALID_REALM_ID_FORMAT'],
      ['realm_ids: 1 MiB of wrong types', '/api/v1/auth/tokens', `{"realm_ids":${arrayOf('1', MIB)}}`, 'INVALID_REALM_ID_FORMAT'],
      ['nesting: 1 MiB of [', '/api/v1/auth/tokens', '['.repeat(MIB - 64), 'VALIDATION_ERROR'],
      [
        `nesting: ${MAX_JSON_DEPTH + 1} levels in public_storage`,
        '/api/v1/auth/tokens',
        `{"public_storage":${'{"a":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}}`,
        'VALIDATION_ERROR',
      ],
      [
        'keys: 1 MiB of distinct unknown fields',
        '/api/v1/auth/tokens',
        `{${Array.from({ length: 60_000 }, (_, i) => `"f${i}":1`).join(',')}}`,
        'VALIDATION_ERROR',
      ],
      [
        'user metadata: 1 MiB of distinct keys',
        `/api/v1/users/${john}`,
        `{"metadata":{${Array.from({ length: 60_000 }, (_, i) => `"k${i}":1`).join(',')}}}`,
        'VALIDATION_ERROR',
      ],
    ];
    const lines: string[] = [];
    let slowest = 0;
    for (const [name, path, body, code] of cases) {
      expect(body.length).toBeLessThanOrEqual(MIB);
      const result = await raw(server, path.includes('users') ? 'PATCH' : 'POST', path, { jwt, body });
      slowest = Math.max(slowest, result.ms);
      lines.push(`  ${name}: ${result.status} ${result.code} in ${result.ms.toFixed(0)} ms, ${result.details?.length ?? 0} details`);
      expect([name, result.status, result.code]).toEqual([name, 400, code]);
      expect(result.details?.length ?? 0).toBeLessThanOrEqual(100);
    }
    const longName = await raw(server, 'GET', `/api/v1/vault/keys?${'q'.repeat(10_000)}=1`, { jwt });
    lines.push(`  unknown query parameter with a 10,000-character name: ${longName.status} ${longName.code}`);
    expect([longName.status, longName.code]).toEqual([400, 'VALIDATION_ERROR']);
    console.log(`worst bodies (normal request ${normal.ms.toFixed(1)} ms, slowest refusal ${slowest.toFixed(0)} ms):\n${lines.join('\n')}`);
    expect(await userStateSnapshot(server.store, john)).toBe(before);
  });

  it('strings PostgreSQL cannot store are refused with 400 before any write, on every store', async () => {
    const server = await startTestServer();
    const before = await userStateSnapshot(server.store, john);
    const bodies: Array<[string, string, string]> = [
      ['PATCH', '/api/v1/vault/keys/nul', '{"value":"a\\u0000b"}'],
      ['PATCH', '/api/v1/vault/keys/surrogate', '{"value":"a\\ud800b"}'],
      ['PATCH', '/api/v1/vault/keys/low-surrogate', '{"value":"a\\udc00"}'],
      ['PATCH', '/api/v1/vault/keys/meta', '{"value":"v","metadata":{"note":"\\u0000"}}'],
      ['PATCH', '/api/v1/vault/keys/meta-key', '{"value":"v","metadata":{"\\ud800":1}}'],
      ['PATCH', `/api/v1/users/${john}`, '{"metadata":{"a":"\\u0000"}}'],
      ['POST', '/api/v1/auth/tokens', '{"public_storage":{"a":"\\ud83d"}}'],
    ];
    const answers = [];
    for (const [method, path, body] of bodies) answers.push(await raw(server, method, path, { body }));
    console.log(`unstorable strings: ${answers.map((a) => `${a.status} ${a.code}`).join(', ')}`);
    expect(answers.map((a) => [a.status, a.code])).toEqual(bodies.map(() => [400, 'VALIDATION_ERROR']));
    expect(await userStateSnapshot(server.store, john)).toBe(before);
  });

  it('the worst accepted values read back equal, on every store', async () => {
    const server = await startTestServer();
    const api = await server.as('john_doe');
    const awkward = `emoji 😀 pair 𝄞, BMP edges \ud7ff \ue000 \uffff, controls \u0001\u001f\t\n, quotes "' \\ backslash, 中文`;
    let deep: Record<string, unknown> = { leaf: awkward };
    // The body is level 1 and `metadata` level 2: this is the deepest metadata a body may carry.
    for (let level = 3; level < MAX_JSON_DEPTH; level += 1) deep = { [`level${level}`]: deep };
    const metadata = { deep, [awkward]: [awkward, 0, -1.5e300, true, null] };
    const set = await api.vault.set({ key: 'awkward.key_-1', data: { value: awkward, metadata } });
    const read = await api.vault.get({ key: 'awkward.key_-1' });
    const listed = await api.vault.list();
    const user = await api.users.update({ id: john, data: { metadata } });
    const reread = await api.users.get({ id: john });
    console.log(
      `worst accepted values: set ${set.response!.status}, get ${read.response!.status}, list ${listed.response!.status}, user update ${user.response!.status}, user get ${reread.response!.status}`,
    );
    expect([set.response!.status, read.response!.status, listed.response!.status, user.response!.status, reread.response!.status]).toEqual([
      201, 200, 200, 200, 200,
    ]);
    expect(read.data!.data).toMatchObject({ value: awkward, metadata });
    expect(reread.data!.data.metadata).toEqual(metadata);
  });

  it('every path lands in the activity log, escaped; quota refusals (429) are not recorded', async () => {
    // A clock standing still, so that the nine requests fall in one quota window (with the real clock, a run that
    // straddled a minute's end would find the quota reset and no 429).
    const server = await startTestServer({ rateLimits: { perCredential: 6 }, clock: () => new Date('2030-05-01T10:00:10Z') });
    const jwt = await server.jwtFor('john_doe');
    const strange = await raw(server, 'GET', '/api/v1/vault/keys/%00%ff%C3%A9', { jwt });
    const statuses = [strange.status];
    for (let i = 0; i < 8; i += 1) statuses.push((await raw(server, 'GET', '/api/v1/vault/stats', { jwt })).status);
    const entries = (await server.store.listActivity(john, { since: '2000-01-01T00:00:00.000Z' }, 1, 100)).items;
    const paths = entries.map((entry) => `${entry.status_code} ${entry.path}`);
    console.log(`activity: ${statuses.join(' ')} -> ${entries.length} entries recorded (${paths.filter((p) => p.startsWith('429')).length} x 429)`);
    expect(paths).toContain('400 /api/v1/vault/keys/%00%ff%C3%A9');
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(paths.filter((p) => p.startsWith('429'))).toEqual([]);
    expect(entries).toHaveLength(statuses.filter((s) => s !== 429).length);
  });

  it('forwarded addresses: junk falls back to the peer and is never stored; IPv6 clients share a quota per /64', async () => {
    // On one quota window, as in the case above: four requests that straddled a minute's end would find it reset.
    const server = await startTestServer({ trustProxyHops: 1, rateLimits: { authFailuresPerIp: 3 }, clock: () => new Date('2030-05-01T10:00:10Z') });
    const created = await server.token('john_doe', { alias: 'Forwarded' });
    const junk = `${'z'.repeat(2_000)}`;
    const viaJunk = await raw(server, 'GET', '/api/v1/auth/tokens/me', { jwt: created.token, headers: { 'x-forwarded-for': junk } });
    const listed = await (await server.as('john_doe')).authTokens.get({ id: created.id });
    console.log(`forwarded junk: ${viaJunk.status}; last_used_ip ${listed.data?.data.last_used_ip}; get ${listed.response!.status}`);
    expect([viaJunk.status, listed.response!.status, listed.data?.data.last_used_ip]).toEqual([200, 200, '127.0.0.1']);
    // Three failures from three addresses of one /64 use up that /64's failed-login quota; another /64 is untouched.
    for (const host of ['1', '2', '3'])
      await raw(server, 'GET', '/api/v1/auth/tokens/me', { jwt: 'not-a-jwt', headers: { 'x-forwarded-for': `2001:db8:1:2::${host}` } });
    const sameNetwork = await raw(server, 'GET', '/api/v1/auth/tokens/me', { jwt: created.token, headers: { 'x-forwarded-for': '2001:db8:1:2:ffff::9' } });
    const otherNetwork = await raw(server, 'GET', '/api/v1/auth/tokens/me', { jwt: created.token, headers: { 'x-forwarded-for': '2001:db8:1:3::1' } });
    console.log(`IPv6 /64 quota: same /64 ${sameNetwork.status}, another /64 ${otherNetwork.status}`);
    expect([sameNetwork.status, otherNetwork.status]).toEqual([429, 200]);
  });

  it('a JWT has one string: padding or a non-canonical last signature character answers 401 INVALID_TOKEN', async () => {
    const server = await startTestServer();
    const jwt = await server.jwtFor('john_doe');
    const last = jwt.at(-1)!;
    // The signature's last character carries 4 spare bits: its neighbour in the alphabet decodes to the same bytes.
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = jwt.slice(0, -1) + ALPHABET[ALPHABET.indexOf(last) ^ 1];
    const answers = [jwt, `${jwt}=`, twin].map((credential) => raw(server, 'GET', `/api/v1/users/${john}`, { jwt: credential }));
    const [valid, padded, sibling] = await Promise.all(answers);
    console.log(`JWT forms: canonical ${valid.status}, padded ${padded.status} ${padded.code}, twin ${sibling.status} ${sibling.code}`);
    expect([valid.status, padded.code, sibling.code]).toEqual([200, 'INVALID_TOKEN', 'INVALID_TOKEN']);
  });

  it('one user: 150 parallel vault set/delete/clear answer no 500, and usage equals what is stored', async () => {
    const server = await startTestServer();
    const api = await server.as('john_doe');
    const calls = Array.from({ length: 150 }, (_, i) => {
      const key = `race-${i % 7}`;
      if (i % 10 === 9) return api.vault.clear();
      return i % 3 === 2 ? api.vault.delete({ key }) : api.vault.set({ key, data: { value: 'x'.repeat(100 + i), metadata: { i } } });
    });
    const statuses = (await Promise.all(calls)).map((result) => result.response!.status);
    const counts: Record<number, number> = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    const stored = (await server.store.listVault(john, '', 1, 100)).items.reduce((sum, entry) => sum + entry.size_bytes, 0);
    const usage = await server.store.vaultUsage(john, '');
    console.log(`parallel vault writes by one user: ${JSON.stringify(counts)}; usage ${usage.totalBytes} = stored ${stored}`);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(usage.totalBytes).toBe(stored);
  });

  it('one user`s 200 parallel vault writes do not starve another user`s reads (p99 printed)', async () => {
    const server = await startTestServer();
    const john = await server.as('john_doe');
    const jane = await server.as('jane_roe');
    const writes = Promise.all(Array.from({ length: 200 }, (_, i) => john.vault.set({ key: `flood-${i % 5}`, data: { value: 'x'.repeat(1_000) } })));
    const latencies: number[] = [];
    const reads = (async () => {
      for (let i = 0; i < 40; i += 1) {
        const started = performance.now();
        const result = await jane.users.get({ id: DEMO_USERS.jane_roe.id });
        latencies.push(performance.now() - started);
        expect(result.response!.status).toBe(200);
      }
    })();
    const [written] = await Promise.all([writes, reads]);
    latencies.sort((a, b) => a - b);
    console.log(
      `another user's reads during 200 parallel writes: p50 ${latencies[20].toFixed(1)} ms, p99 ${latencies[39].toFixed(1)} ms; writes ${written.filter((r) => r.response!.status < 300).length}/200 ok`,
    );
    expect(written.filter((r) => r.response!.status >= 500)).toEqual([]);
  });
});
