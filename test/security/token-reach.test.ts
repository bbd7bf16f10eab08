/**
 * A token never widens its own reach: every limit a token has (permissions, vault and event access, realms,
 * allow_no_realm, IP whitelist, expiry, enabled state) x every operation that shapes a token (create, update of
 * itself, update of another, copy, add-realm, remove-realm). Each widening answers 403 INSUFFICIENT_PERMISSIONS with a
 * message naming the limit and changes nothing; the same operations within reach succeed, so the matrix can fail.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { userStateSnapshot } from '../support/snapshot.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { REALM } from '../support/sample-calls.js';

const R1 = REALM;
const R2 = '507f1f77bcf86cd799439013';
const R3 = '507f1f77bcf86cd799439014';
const CALLER_IP = '10.1.2.3';
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

/** The caller: every token permission but `servers.delete`, no vault or event access, two realms, one /16, 1 h. */
const callerFields = () => ({
  alias: 'Limited caller',
  permissions: {
    auth_tokens: { read: true, create: true, update: true, delete: true },
    servers: { read: true },
  },
  vault_access: false,
  event_access: false,
  realm_ids: [R1, R2],
  allow_no_realm: false,
  ip_whitelist: ['10.1.0.0/16'],
  expires_at: inHours(1),
});

/** A token within the caller's reach. */
const withinFields = () => ({
  permissions: { auth_tokens: { read: true } },
  vault_access: false,
  event_access: false,
  realm_ids: [R1],
  allow_no_realm: false,
  ip_whitelist: ['10.1.2.0/24'],
  expires_at: inHours(0.5),
});

/** Each limit and a change that lifts it. */
const WIDENINGS: Array<{ limit: string; change: Record<string, unknown>; message: RegExp }> = [
  { limit: 'permissions', change: { permissions: { servers: { delete: true } } }, message: /permissions/ },
  { limit: 'vault access', change: { vault_access: true }, message: /vault access/ },
  { limit: 'event access', change: { event_access: true }, message: /event access/ },
  { limit: 'realms: none', change: { realm_ids: [] }, message: /realm/ },
  { limit: 'realms: another', change: { realm_ids: [R3] }, message: /realm/ },
  { limit: 'allow_no_realm', change: { allow_no_realm: true }, message: /allow_no_realm/ },
  { limit: 'IP: any', change: { ip_whitelist: '*' }, message: /IP whitelist/ },
  { limit: 'IP: wider', change: { ip_whitelist: ['10.0.0.0/8'] }, message: /IP whitelist/ },
  { limit: 'expiry: none', change: { expires_at: null }, message: /expiry/ },
  { limit: 'expiry: later', change: { expires_at: inHours(2) }, message: /expiry/ },
];

/** A create body: within reach, with `change` applied (creating takes no `expires_at: null`: it is left out). */
function createBody(alias: string, change: Record<string, unknown> = {}) {
  const body: Record<string, unknown> = { ...withinFields(), alias, ...change };
  if (body.expires_at === null) delete body.expires_at;
  return body as never;
}

async function setUp() {
  const server = await startTestServer();
  const john = await server.as('john_doe');
  const caller = (await john.authTokens.create({ data: callerFields() })).data!.data;
  const asCaller = await server.as({ token: caller.token }, { headers: { 'X-Forwarded-For': CALLER_IP }, baseUrl: `http://${R1}.api.hoody.com` });
  let n = 0;
  /** A token made with the session (no limits apply), within reach unless `change` says otherwise. */
  const target = async (change: Record<string, unknown> = {}) => {
    const { data, error } = await john.authTokens.create({ data: createBody(`Target ${(n += 1)}`, change) });
    if (!data) throw new Error(`cannot create a target with ${JSON.stringify(change)}: ${JSON.stringify(error)}`);
    return data.data;
  };
  return { server, john, caller, asCaller, target };
}

const snapshot = (server: TestServer) => userStateSnapshot(server.store, DEMO_USERS.john_doe.id);

describe('a token never widens its own reach', () => {
  it('every limit x every operation answers 403 INSUFFICIENT_PERMISSIONS naming the limit, and changes nothing', async () => {
    const { server, john, caller, asCaller, target } = await setUp();
    type Attempt = {
      operation: string;
      limit: string;
      message: RegExp;
      run: () => Promise<{ response: Response; error?: { code?: string; message?: string } }>;
    };
    const attempts: Attempt[] = [];
    for (const { limit, change, message } of WIDENINGS) {
      const inside = await target();
      const outside = await target(change);
      const copyChange = 'expires_at' in change ? { expires_at: change.expires_at } : undefined;
      attempts.push(
        {
          operation: 'create',
          limit,
          message,
          run: () => asCaller.authTokens.create({ data: createBody(`Create ${limit.replace(/[^A-Za-z0-9 _-]/g, '')}`, change) }),
        },
        { operation: 'update itself', limit, message, run: () => asCaller.authTokens.update({ id: caller.id, data: change as never }) },
        { operation: 'update another', limit, message, run: () => asCaller.authTokens.update({ id: inside.id, data: change as never }) },
        {
          operation: 'copy',
          limit,
          message,
          run: () => asCaller.authTokens.copy({ id: outside.id, data: { alias: `Copy ${limit.replace(/[^A-Za-z0-9 _-]/g, '')}` } }),
        },
        // Adding a realm to a token without realm limits narrows it: that cell is within reach.
        ...(limit === 'realms: none'
          ? []
          : [{ operation: 'add-realm', limit, message, run: () => asCaller.authTokens.addRealm({ id: outside.id, data: { realm_id: R1 } }) }]),
        { operation: 'remove-realm', limit, message, run: () => asCaller.authTokens.removeRealm({ id: outside.id, data: { realm_id: R2 } }) },
      );
      if (copyChange)
        attempts.push({ operation: 'copy with expires_at', limit, message, run: () => asCaller.authTokens.copy({ id: caller.id, data: copyChange as never }) });
    }
    // The realm limits through the realm operations themselves, and the enabled state.
    const single = await target();
    attempts.push(
      {
        operation: 'add-realm',
        limit: 'realms: another',
        message: /realm/,
        run: () => asCaller.authTokens.addRealm({ id: single.id, data: { realm_id: R3 } }),
      },
      {
        operation: 'add-realm to itself',
        limit: 'realms: another',
        message: /realm/,
        run: () => asCaller.authTokens.addRealm({ id: caller.id, data: { realm_id: R3 } }),
      },
      {
        operation: 'remove-realm',
        limit: 'realms: last one',
        message: /last realm|realm limits/,
        run: () => asCaller.authTokens.removeRealm({ id: single.id, data: { realm_id: R1 } }),
      },
    );
    const disabled = await target({});
    await john.authTokens.update({ id: disabled.id, data: { is_enabled: false } });
    attempts.push(
      {
        operation: 'update another',
        limit: 'enabled',
        message: /re-enable/,
        run: () => asCaller.authTokens.update({ id: disabled.id, data: { is_enabled: true } }),
      },
      {
        operation: 'copy',
        limit: 'enabled',
        message: /re-enable/,
        run: () => asCaller.authTokens.copy({ id: disabled.id, data: { alias: 'Copy of disabled' } }),
      },
    );

    const before = await snapshot(server);
    const wrong: string[] = [];
    for (const attempt of attempts) {
      const { response, error } = await attempt.run();
      if (response.status !== 403 || error?.code !== 'INSUFFICIENT_PERMISSIONS' || !attempt.message.test(error?.message ?? '')) {
        wrong.push(`${attempt.operation} / ${attempt.limit}: ${response.status} ${error?.code} ${error?.message}`);
      }
    }
    const changed = (await snapshot(server)) === before ? 0 : 1;
    const operations = new Set(attempts.map((a) => a.operation.replace(/ .*/, ''))).size;
    console.log(
      `token reach: ${attempts.length} widening attempts (${WIDENINGS.length + 2} limits x ${operations} operations), ${wrong.length} not refused, ${changed} changes`,
    );
    expect(wrong).toEqual([]);
    expect(changed).toBe(0);
  });

  it('the same operations within reach succeed, and a session is not narrowed', async () => {
    const { caller, asCaller, john, target } = await setUp();
    const inside = await target({ realm_ids: [R1, R2] });
    const results = [
      await asCaller.authTokens.create({ data: { ...withinFields(), alias: 'Within' } }),
      await asCaller.authTokens.update({ id: inside.id, data: { alias: 'Renamed within', is_enabled: false } }),
      await asCaller.authTokens.copy({ id: caller.id, data: { alias: 'Copy within' } }),
      await asCaller.authTokens.removeRealm({ id: inside.id, data: { realm_id: R2 } }),
      await asCaller.authTokens.addRealm({ id: inside.id, data: { realm_id: R2 } }),
      await asCaller.authTokens.update({ id: caller.id, data: { ip_whitelist: ['10.1.2.3'], expires_at: inHours(0.75) } }),
      // The session that owns the tokens may do anything the schema allows.
      await john.authTokens.update({ id: caller.id, data: { ip_whitelist: '*', expires_at: null, realm_ids: [] } }),
    ];
    const statuses = results.map((r) => r.response.status);
    expect(statuses).toEqual([201, 200, 201, 200, 200, 200, 200]);
  });
});
