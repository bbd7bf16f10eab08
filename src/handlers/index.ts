/**
 * The handler of every operation, keyed by operationId. `Handlers` makes the map complete and exact at compile
 * time: an operation without a handler, or a handler without an operation, fails `npm run typecheck`.
 */
import * as activity from './activity.js';
import * as authTokens from './auth-tokens.js';
import type { HandlerContext } from './context.js';
import * as realms from './realms.js';
import type { Handlers } from './types.js';
import * as users from './users.js';
import * as vault from './vault.js';

export const handlers: Handlers<HandlerContext> = {
  'users.get': users.get,
  'users.update': users.update,
  'users.retrySetup': users.retrySetup,
  'activity.list': activity.list,
  'activity.getStats': activity.getStats,
  'vault.list': vault.list,
  'vault.get': vault.get,
  'vault.set': vault.set,
  'vault.delete': vault.delete,
  'vault.getStats': vault.getStats,
  'vault.clear': vault.clear,
  'realms.list': realms.list,
  'authTokens.list': authTokens.list,
  'authTokens.create': authTokens.create,
  'authTokens.getCurrent': authTokens.getCurrent,
  'authTokens.getPublicProfile': authTokens.getPublicProfile,
  'authTokens.get': authTokens.get,
  'authTokens.update': authTokens.update,
  'authTokens.delete': authTokens.delete,
  'authTokens.addRealm': authTokens.addRealm,
  'authTokens.copy': authTokens.copy,
  'authTokens.removeRealm': authTokens.removeRealm,
  'authTokens.updatePublicProfile': authTokens.updatePublicProfile,
};
