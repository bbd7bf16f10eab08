/**
 * One valid call per operation, in the SDK's shape, for tests that check what every operation does with a given
 * credential (401, 403 cases). Typed by the SDK, so a new operation must be added here (the map is exhaustive).
 */
import type { OperationId } from '../../generated/operations.gen.js';
import type { HoodyApi } from '../../src/sdk/index.js';
import { DEMO_USERS } from '../../src/store/demo-data.js';

export const SOME_ID = '6650ffffffffffffffffffff';
export const PUBLIC_KEY = 'a1b2c3d4e5f6789012345678901234567890abcdefabcdefabcdefabcdef1234';
const john = DEMO_USERS.john_doe.id;

type Call = (api: HoodyApi, self: string) => Promise<{ response: Response; data?: unknown; error?: unknown }>;

export const sampleCalls: Record<OperationId, Call> = {
  'users.get': (api, self) => api.users.get({ id: self }),
  'users.update': (api, self) => api.users.update({ id: self, data: { alias: 'Sample alias' } }),
  'users.retrySetup': (api) => api.users.retrySetup(),
  'activity.list': (api) => api.activity.list(),
  'activity.getStats': (api) => api.activity.getStats(),
  'vault.list': (api) => api.vault.list(),
  'vault.get': (api) => api.vault.get({ key: 'sample' }),
  'vault.set': (api) => api.vault.set({ key: 'sample', data: { value: 'v' } }),
  'vault.delete': (api) => api.vault.delete({ key: 'sample' }),
  'vault.getStats': (api) => api.vault.getStats(),
  'vault.clear': (api) => api.vault.clear(),
  'realms.list': (api) => api.realms.list(),
  'authTokens.list': (api) => api.authTokens.list(),
  'authTokens.create': (api) => api.authTokens.create({ data: {} }),
  'authTokens.getCurrent': (api) => api.authTokens.getCurrent(),
  'authTokens.getPublicProfile': (api) => api.authTokens.getPublicProfile({ public_key: PUBLIC_KEY }),
  'authTokens.get': (api) => api.authTokens.get({ id: SOME_ID }),
  'authTokens.update': (api) => api.authTokens.update({ id: SOME_ID, data: { alias: 'Renamed' } }),
  'authTokens.delete': (api) => api.authTokens.delete({ id: SOME_ID }),
  'authTokens.addRealm': (api) => api.authTokens.addRealm({ id: SOME_ID, data: { realm_id: '507f1f77bcf86cd799439012' } }),
  'authTokens.copy': (api) => api.authTokens.copy({ id: SOME_ID }),
  'authTokens.removeRealm': (api) => api.authTokens.removeRealm({ id: SOME_ID, data: { realm_id: '507f1f77bcf86cd799439012' } }),
  'authTokens.updatePublicProfile': (api) => api.authTokens.updatePublicProfile({ data: { public_storage: { a: 1 } } }),
};

export const operationIds = Object.keys(sampleCalls) as OperationId[];
export { john };
