/**
 * The one table of valid calls: a parameters object per operation, in the SDK's flat shape (path and query
 * parameters, the body under `data`), as data, so that a test can send it as is or break one part of it. Typed by the
 * operation list, so a new operation must be added here (the map is exhaustive). `SELF` stands for the caller's own id.
 */
import type { OperationId } from '../../generated/operations.gen.js';
import type { HoodyApi } from '../../src/sdk/index.js';
import { DEMO_REALMS, DEMO_USERS } from '../../src/store/demo-data.js';

export const SOME_ID = '6650ffffffffffffffffffff';
export const PUBLIC_KEY = 'a1b2c3d4e5f6789012345678901234567890abcdefabcdefabcdefabcdef1234';
export const REALM = DEMO_REALMS[0];
const john = DEMO_USERS.john_doe.id;
const SELF = Symbol('the caller');

type Result = { response: Response; data?: unknown; error?: unknown };

const SAMPLE_PARAMS: Record<OperationId, Record<string, unknown>> = {
  'users.get': { id: SELF },
  'users.update': { id: SELF, data: { alias: 'Sample alias' } },
  'users.retrySetup': { data: {} },
  'activity.list': {},
  'activity.getStats': {},
  'vault.list': {},
  'vault.get': { key: 'sample' },
  'vault.set': { key: 'sample', data: { value: 'v' } },
  'vault.delete': { key: 'sample' },
  'vault.getStats': {},
  'vault.clear': {},
  'realms.list': {},
  'authTokens.list': {},
  'authTokens.create': { data: {} },
  'authTokens.getCurrent': {},
  'authTokens.getPublicProfile': { public_key: PUBLIC_KEY },
  'authTokens.get': { id: SOME_ID },
  'authTokens.update': { id: SOME_ID, data: { alias: 'Renamed' } },
  'authTokens.delete': { id: SOME_ID },
  'authTokens.addRealm': { id: SOME_ID, data: { realm_id: REALM } },
  'authTokens.copy': { id: SOME_ID, data: {} },
  'authTokens.removeRealm': { id: SOME_ID, data: { realm_id: REALM } },
  'authTokens.updatePublicProfile': { data: { public_storage: { a: 1 } } },
};

export const operationIds = Object.keys(SAMPLE_PARAMS) as OperationId[];

/** A fresh copy of an operation's valid parameters, with `self` as the caller's id. */
export function sampleParams(operationId: OperationId, self: string = john): Record<string, unknown> {
  const { id, ...rest } = SAMPLE_PARAMS[operationId];
  const params: Record<string, unknown> = structuredClone(rest);
  if (id !== undefined) params.id = id === SELF ? self : id;
  return params;
}

/** Calls an operation through the SDK by its operationId. */
export function callOperation(api: HoodyApi, operationId: OperationId, params: Record<string, unknown>): Promise<Result> {
  const [group, method] = operationId.split('.');
  return (api as any)[group][method](params);
}

/** One valid call per operation, for tests that check what every operation does with a given credential. */
export const sampleCalls = Object.fromEntries(
  operationIds.map((operationId) => [operationId, (api: HoodyApi, self: string) => callOperation(api, operationId, sampleParams(operationId, self))]),
) as Record<OperationId, (api: HoodyApi, self: string) => Promise<Result>>;

export { john };
