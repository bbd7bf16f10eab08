/**
 * For every documented (operation, status): how to make the real server answer it, through the SDK. Generic
 * scenarios cover what every operation shares (400 for an unknown query parameter, 401 without a credential, 403 for
 * a banned user); the rest are per operation, on fixtures made fresh for each scenario. Against the mock, the same
 * (operation, status) is asked for with `Prefer: code=<status>`.
 */
import type { OperationId } from '../../generated/operations.gen.js';
import type { AnsweredApi as HoodyApi } from '../support/answered.js';
import { loadSpec } from '../../src/spec/operations.js';
import { readPolicy } from '../../src/spec/policy.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { callOperation, PUBLIC_KEY, REALM, sampleCalls, sampleParams, SOME_ID } from '../support/sample-calls.js';
import type { Persona, Target } from './targets.js';

type Result = { response?: Response | undefined; data?: unknown; error?: unknown };
export type Fixtures = { tokenId: string; tokenAlias: string; otherTokenId: string; otherAlias: string; publishedKey: string; vaultKey: string };
export type Scenario = { persona: Persona; call: (api: HoodyApi, fixtures: Fixtures, target: Target) => Promise<Result> };

const JOHN = DEMO_USERS.john_doe.id;
const HUGE = 'x'.repeat(1_100_000);
let counter = 0;

/** Fresh fixtures on the server for one scenario: two of john's tokens (one publishing a key) and a vault key. */
export async function makeFixtures(target: Target): Promise<Fixtures> {
  const n = (counter += 1);
  const api = await target.client('john_doe');
  const publishedKey = `f${n.toString(16)}`.padStart(64, '0');
  const created = await api.authTokens.create({ data: { alias: `Contract ${n}`, permission_template: 'full_access', vault_access: true } });
  const other = await api.authTokens.create({ data: { alias: `Contract other ${n}`, public_key: publishedKey } });
  if (!created.data || !other.data) throw new Error(`fixtures: ${JSON.stringify(created.error ?? other.error)}`);
  const [one, two] = [created.data.data, other.data.data];
  await api.vault.set({ key: `contract-${n}`, data: { value: 'fixture' } });
  return { tokenId: one.id, tokenAlias: one.alias, otherTokenId: two.id, otherAlias: two.alias, publishedKey, vaultKey: `contract-${n}` };
}

/** The SDK with a parameter no operation takes added to every call (hey-api's `$query_` prefix sends it as is). */
function withUnknownQueryParameter(api: HoodyApi): HoodyApi {
  return new Proxy(api, {
    get: (groups, group) =>
      new Proxy((groups as any)[group], {
        get:
          (methods, method) =>
          (params: object = {}) =>
            methods[method]({ ...params, $query_contract_probe: '1' }),
      }),
  }) as HoodyApi;
}

/** Operations the spec marks `x-token-only`. */
const tokenOnly = new Set([...readPolicy(loadSpec()).operations.values()].filter((op) => op.tokenOnly).map((op) => op.operationId as OperationId));

const generic: Record<string, (operationId: OperationId) => Scenario> = {
  '400': (operationId) => ({
    persona: tokenOnly.has(operationId) ? 'token' : 'john_doe',
    call: (api) => sampleCalls[operationId](withUnknownQueryParameter(api), JOHN),
  }),
  '401': (operationId) => ({ persona: 'anonymous', call: (api) => sampleCalls[operationId](api, JOHN) }),
  // A banned user may read only their own profile, so users.get is tried on john's.
  '403': (operationId) => ({ persona: 'banned_bob', call: (api) => sampleCalls[operationId](api, JOHN) }),
};

/** Any operation answers 429 to a caller past their quota. */
const rateLimited = (operationId: OperationId): Scenario => ({
  persona: 'john_doe',
  call: async (_api, _f, target) => sampleCalls[operationId](await target.exhaustedClient(), JOHN),
});

const specific: Partial<Record<OperationId, Record<string, Scenario>>> = {
  'users.get': {
    '200': { persona: 'john_doe', call: (api) => api.users.get({ id: JOHN }) },
    '404': { persona: 'admin', call: (api) => api.users.get({ id: SOME_ID }) },
  },
  'users.update': {
    '200': { persona: 'john_doe', call: (api) => api.users.update({ id: JOHN, data: { alias: 'Contract John' } }) },
    '404': { persona: 'admin', call: (api) => api.users.update({ id: SOME_ID, data: { alias: 'Nobody' } }) },
    '413': { persona: 'john_doe', call: (api) => api.users.update({ id: JOHN, data: { alias: HUGE } }) },
  },
  'users.retrySetup': {
    '200': { persona: 'john_doe', call: (api) => api.users.retrySetup({ data: { region: 'eu-west-1' } }) },
    '413': { persona: 'john_doe', call: (api) => api.users.retrySetup({ data: { region: HUGE } }) },
  },
  'activity.list': { '200': { persona: 'john_doe', call: (api) => api.activity.list({ limit: 5 }) } },
  'activity.getStats': {
    '200': { persona: 'john_doe', call: (api) => api.activity.getStats() },
    // The SDK sends no query for an operation without parameters; the probe goes raw.
    '400': { persona: 'john_doe', call: (_api, _f, target) => target.rawGet!('john_doe', '/api/v1/users/auth/activity/stats?contract_probe=1') },
  },
  'vault.list': { '200': { persona: 'john_doe', call: (api) => api.vault.list() } },
  'vault.get': {
    '200': { persona: 'john_doe', call: (api, f) => api.vault.get({ key: f.vaultKey }) },
    '404': { persona: 'john_doe', call: (api) => api.vault.get({ key: 'no-such-key' }) },
  },
  'vault.set': {
    '200': { persona: 'john_doe', call: (api, f) => api.vault.set({ key: f.vaultKey, data: { value: 'changed' } }) },
    '201': { persona: 'john_doe', call: (api, f) => api.vault.set({ key: `${f.vaultKey}-new`, realm_id: REALM, data: { value: 'new' } }) },
    '413': { persona: 'john_doe', call: (api, f) => api.vault.set({ key: f.vaultKey, data: { value: 'x'.repeat(57 * 1_048_576) } }) },
  },
  'vault.getStats': { '200': { persona: 'john_doe', call: (api) => api.vault.getStats() } },
  'vault.delete': {
    '200': { persona: 'john_doe', call: (api, f) => api.vault.delete({ key: f.vaultKey }) },
    '404': { persona: 'john_doe', call: (api) => api.vault.delete({ key: 'no-such-key' }) },
  },
  'vault.clear': { '200': { persona: 'john_doe', call: (api) => api.vault.clear({ realm_id: REALM }) } },
  'realms.list': { '200': { persona: 'john_doe', call: (api) => api.realms.list({ include_usage: true }) } },
  'authTokens.list': { '200': { persona: 'john_doe', call: (api) => api.authTokens.list() } },
  'authTokens.create': {
    '201': { persona: 'john_doe', call: (api) => api.authTokens.create({ data: { alias: `Created ${(counter += 1)}`, ip_whitelist: '10.0.0.0/8' } }) },
    '409': { persona: 'john_doe', call: (api, f) => api.authTokens.create({ data: { alias: f.tokenAlias } }) },
    '413': { persona: 'john_doe', call: (api) => api.authTokens.create({ data: { public_storage: { blob: HUGE } } }) },
  },
  'authTokens.getCurrent': {
    '200': { persona: 'token', call: (api) => api.authTokens.getCurrent() },
    '400': { persona: 'token', call: (_api, _f, target) => target.rawGet!('token', '/api/v1/auth/tokens/me?contract_probe=1') },
  },
  'authTokens.getPublicProfile': {
    '200': { persona: 'john_doe', call: (api, f) => api.authTokens.getPublicProfile({ public_key: f.publishedKey }) },
    '404': { persona: 'john_doe', call: (api) => api.authTokens.getPublicProfile({ public_key: PUBLIC_KEY }) },
  },
  'authTokens.get': {
    '200': { persona: 'john_doe', call: (api, f) => api.authTokens.get({ id: f.tokenId }) },
    '404': { persona: 'john_doe', call: (api) => api.authTokens.get({ id: SOME_ID }) },
  },
  'authTokens.update': {
    '200': { persona: 'john_doe', call: (api, f) => api.authTokens.update({ id: f.tokenId, data: { event_access: false, expires_at: 'tomorrow' } }) },
    '404': { persona: 'john_doe', call: (api) => api.authTokens.update({ id: SOME_ID, data: { alias: 'Ghost' } }) },
    '409': { persona: 'john_doe', call: (api, f) => api.authTokens.update({ id: f.tokenId, data: { alias: f.otherAlias } }) },
    '413': { persona: 'john_doe', call: (api, f) => api.authTokens.update({ id: f.tokenId, data: { public_storage: { blob: HUGE } } }) },
  },
  'authTokens.delete': {
    '200': { persona: 'john_doe', call: (api, f) => api.authTokens.delete({ id: f.otherTokenId }) },
    '404': { persona: 'john_doe', call: (api) => api.authTokens.delete({ id: SOME_ID }) },
  },
  'authTokens.addRealm': {
    '200': { persona: 'john_doe', call: (api, f) => api.authTokens.addRealm({ id: f.tokenId, data: { realm_id: REALM } }) },
    '404': { persona: 'john_doe', call: (api) => api.authTokens.addRealm({ id: SOME_ID, data: { realm_id: REALM } }) },
    '413': { persona: 'john_doe', call: (api, f) => api.authTokens.addRealm({ id: f.tokenId, data: { realm_id: REALM, otp_code: HUGE } }) },
  },
  'authTokens.copy': {
    '201': { persona: 'john_doe', call: (api, f) => api.authTokens.copy({ id: f.tokenId }) },
    '404': { persona: 'john_doe', call: (api) => api.authTokens.copy({ id: SOME_ID }) },
    '409': { persona: 'john_doe', call: (api, f) => api.authTokens.copy({ id: f.tokenId, data: { alias: f.otherAlias } }) },
    '413': { persona: 'john_doe', call: (api, f) => api.authTokens.copy({ id: f.tokenId, data: { alias: HUGE } }) },
  },
  'authTokens.removeRealm': {
    '200': { persona: 'john_doe', call: (api, f) => api.authTokens.removeRealm({ id: f.tokenId, data: { realm_id: REALM } }) },
    '404': { persona: 'john_doe', call: (api) => api.authTokens.removeRealm({ id: SOME_ID, data: { realm_id: REALM } }) },
    '413': { persona: 'john_doe', call: (api, f) => api.authTokens.removeRealm({ id: f.tokenId, data: { realm_id: REALM, otp_code: HUGE } }) },
  },
  'authTokens.updatePublicProfile': {
    '200': { persona: 'token', call: (api) => api.authTokens.updatePublicProfile({ data: { public_storage: { display_name: 'Contract' } } }) },
    '409': { persona: 'token', call: (api, f) => api.authTokens.updatePublicProfile({ data: { public_key: f.publishedKey } }) },
    '413': { persona: 'token', call: (api) => api.authTokens.updatePublicProfile({ data: { public_storage: { blob: HUGE } } }) },
  },
};

/** How the real server is made to answer `status` for `operationId`, or undefined when no scenario exists. */
export function serverScenario(operationId: OperationId, status: string): Scenario | undefined {
  if (status === '429') return rateLimited(operationId);
  return specific[operationId]?.[status] ?? generic[status]?.(operationId);
}

/** Against the mock: the operation's sample call, asking for the status (401 by sending no credential). */
export function mockScenario(operationId: OperationId, status: string): Scenario {
  return { persona: status === '401' ? 'anonymous' : 'john_doe', call: (api) => sampleCalls[operationId](api, JOHN) };
}

/**
 * Prism's proxy reads bodies of at most 10 MB itself, so vault.set's 413 cannot be reached there with a body over
 * the server's 54 MiB limit; it is reached with the vault's own 50 MB quota instead, filled in 10 MB steps.
 */
export const proxyScenarios: Partial<Record<string, Scenario>> = {
  'vault.set 413': {
    persona: 'jane_roe',
    async call(api) {
      for (let i = 0; i < 5; i += 1) await api.vault.set({ key: `fill-${i}`, data: { value: 'x'.repeat(10_000_000) } });
      return api.vault.set({ key: 'one-more', data: { value: 'x'.repeat(3_000_000) } });
    },
  },
};

/** Base parameters with `change` applied: `data.<field>`, a path or query parameter, or `data` itself. */
function varied(operationId: OperationId, change: Record<string, unknown>): Record<string, unknown> {
  const base = sampleParams(operationId, JOHN);
  for (const [key, value] of Object.entries(change)) {
    if (key.startsWith('data.')) base.data = { ...(base.data as object), [key.slice(5)]: value };
    else base[key] = value;
  }
  return base;
}

/** Values that break one field, by the code the spec ties to that field; the first that fits the operation wins. */
const FIELD_BREAKERS: Record<string, Record<string, unknown>[]> = {
  INVALID_ID_FORMAT: [{ id: 'bad-id' }],
  INVALID_REALM_ID_FORMAT: [{ realm_id: 'bad-realm' }, { 'data.realm_ids': ['bad-realm'] }, { 'data.realm_id': 'bad-realm' }],
  INVALID_PUBLIC_KEY_FORMAT: [{ public_key: 'abc' }, { 'data.public_key': 'abc' }],
  INVALID_ALIAS_FORMAT: [{ 'data.alias': 'no/slashes' }],
  INVALID_IP_FORMAT: [{ 'data.ip_whitelist': ['300.1.1.1'] }],
  INVALID_EXPIRATION_FORMAT: [{ 'data.expires_at': 'whenever' }],
  EXPIRATION_IN_PAST: [{ 'data.expires_at': '2001-01-01' }],
  PUBLIC_STORAGE_TOO_LARGE: [{ 'data.public_storage': { blob: 'x'.repeat(70_000) } }],
  WEAK_PASSWORD: [{ 'data.password': 'onlylowercaseletters', 'data.current_password': DEMO_USERS.john_doe.password }],
  CURRENT_PASSWORD_REQUIRED: [{ 'data.password': 'New-Passw0rd-2025!' }],
  CURRENT_PASSWORD_INCORRECT: [{ 'data.password': 'New-Passw0rd-2025!', 'data.current_password': 'Wrong-Passw0rd-1' }],
  MISSING_REQUIRED_FIELD: [{ data: {} }],
};

/** Whether the operation takes every part a breaker changes. */
function fits(operationId: OperationId, change: Record<string, unknown>, takes: (operationId: OperationId, part: string) => boolean): boolean {
  return Object.keys(change).every((key) => takes(operationId, key));
}

const PERSONA_FOR_CODE: Record<string, Persona> = {
  MISSING_TOKEN: 'anonymous',
  INVALID_TOKEN: 'garbage',
  TOKEN_EXPIRED: 'expired',
  UNAUTHORIZED: 'basic',
  ACCOUNT_BANNED: 'banned_bob',
  PERMISSION_DENIED: 'no-rights-token',
  IP_NOT_ALLOWED: 'ip-bound-token',
  REALM_NOT_ALLOWED: 'realm-bound-token',
  REALM_SCOPE_REQUIRED: 'realm-required-token',
};

/**
 * How the real server is made to answer `code` with `status` for `operationId`. `takes` tells whether the operation
 * has a parameter or body field (from the spec).
 */
export function codeScenario(
  operationId: OperationId,
  status: string,
  code: string,
  takes: (operationId: OperationId, part: string) => boolean,
): Scenario | undefined {
  const tokenOnlyCaller: Persona = tokenOnly.has(operationId) ? 'token' : 'john_doe';
  if (code === '-' || ['USER_NOT_FOUND', 'TOKEN_NOT_FOUND', 'VAULT_KEY_NOT_FOUND', 'PAYLOAD_TOO_LARGE'].includes(code))
    return serverScenario(operationId, status);
  if (code === 'DUPLICATE_ALIAS' || (code === 'PUBLIC_KEY_IN_USE' && operationId === 'authTokens.updatePublicProfile'))
    return serverScenario(operationId, status);
  if (code === 'VALIDATION_ERROR') return serverScenario(operationId, '400');
  if (code === 'RATE_LIMITED') return rateLimited(operationId);
  const persona = PERSONA_FOR_CODE[code];
  if (persona) return { persona, call: (api) => callOperation(api, operationId, sampleParams(operationId, JOHN)) };
  switch (code) {
    case 'INSUFFICIENT_PERMISSIONS':
      return {
        persona: tokenOnly.has(operationId) ? 'john_doe' : 'no-rights-token',
        call: (api) => callOperation(api, operationId, sampleParams(operationId, JOHN)),
      };
    case 'CANNOT_BAN_ADMIN':
      return { persona: 'admin', call: (api) => api.users.update({ id: DEMO_USERS.admin.id, data: { is_banned: true } }) };
    case 'CANNOT_MODIFY_OTHER_USER':
      return { persona: 'john_doe', call: (api) => api.users.update({ id: DEMO_USERS.jane_roe.id, data: { alias: 'Not yours' } }) };
    case 'OTP_REQUIRED':
      return { persona: 'otp_olivia', call: (api) => callOperation(api, operationId, sampleParams(operationId, JOHN)) };
    case 'INVALID_OTP_CODE':
      return { persona: 'otp_olivia', call: (api) => callOperation(api, operationId, varied(operationId, { 'data.otp_code': '000000' })) };
    case 'PUBLIC_KEY_IN_USE':
      return {
        persona: 'john_doe',
        call: (api, f) => callOperation(api, operationId, varied(operationId, { id: f.tokenId, 'data.public_key': f.publishedKey })),
      };
    case 'VAULT_LIMIT_EXCEEDED':
      return proxyScenarios['vault.set 413'];
    case 'MISSING_REQUIRED_FIELD':
      if (operationId === 'authTokens.create') return { persona: 'john_doe', call: (api) => api.authTokens.create({ data: undefined as never }) };
  }
  const breaker = FIELD_BREAKERS[code]?.find((change) => fits(operationId, change, takes));
  // On an existing token, so that the rule checked after "does it exist" is the one that answers.
  const existing = (f: Fixtures) => (operationId.startsWith('authTokens.') && takes(operationId, 'id') ? { id: f.tokenId } : {});
  if (breaker) return { persona: tokenOnlyCaller, call: (api, f) => callOperation(api, operationId, varied(operationId, { ...existing(f), ...breaker })) };
  return undefined;
}
