// This file is generated from generated/openapi.json by scripts/generate-operations.ts. Do not edit.

import type * as Types from './client/types.gen.js';

/** The `info.version` of the spec this was generated from: the contract the SDK speaks. */
export const SPEC_VERSION = "1.0.0";

export const operations = {
  'activity.getStats': { group: 'activity', method: 'getStats', httpMethod: 'GET', path: '/api/v1/users/auth/activity/stats', paginated: false },
  'activity.list': { group: 'activity', method: 'list', httpMethod: 'GET', path: '/api/v1/users/auth/activity', paginated: true },
  'authTokens.addRealm': { group: 'authTokens', method: 'addRealm', httpMethod: 'POST', path: '/api/v1/auth/tokens/{id}/add-realm', paginated: false },
  'authTokens.copy': { group: 'authTokens', method: 'copy', httpMethod: 'POST', path: '/api/v1/auth/tokens/{id}/copy', paginated: false },
  'authTokens.create': { group: 'authTokens', method: 'create', httpMethod: 'POST', path: '/api/v1/auth/tokens', paginated: false },
  'authTokens.delete': { group: 'authTokens', method: 'delete', httpMethod: 'DELETE', path: '/api/v1/auth/tokens/{id}', paginated: false },
  'authTokens.get': { group: 'authTokens', method: 'get', httpMethod: 'GET', path: '/api/v1/auth/tokens/{id}', paginated: false },
  'authTokens.getCurrent': { group: 'authTokens', method: 'getCurrent', httpMethod: 'GET', path: '/api/v1/auth/tokens/me', paginated: false },
  'authTokens.getPublicProfile': { group: 'authTokens', method: 'getPublicProfile', httpMethod: 'GET', path: '/api/v1/auth/tokens/public-profiles/{public_key}', paginated: false },
  'authTokens.list': { group: 'authTokens', method: 'list', httpMethod: 'GET', path: '/api/v1/auth/tokens', paginated: true },
  'authTokens.removeRealm': { group: 'authTokens', method: 'removeRealm', httpMethod: 'POST', path: '/api/v1/auth/tokens/{id}/remove-realm', paginated: false },
  'authTokens.update': { group: 'authTokens', method: 'update', httpMethod: 'PATCH', path: '/api/v1/auth/tokens/{id}', paginated: false },
  'authTokens.updatePublicProfile': { group: 'authTokens', method: 'updatePublicProfile', httpMethod: 'PATCH', path: '/api/v1/auth/tokens/me/public-profile', paginated: false },
  'realms.list': { group: 'realms', method: 'list', httpMethod: 'GET', path: '/api/v1/realms/', paginated: false },
  'users.get': { group: 'users', method: 'get', httpMethod: 'GET', path: '/api/v1/users/{id}', paginated: false },
  'users.retrySetup': { group: 'users', method: 'retrySetup', httpMethod: 'POST', path: '/api/v1/users/me/retry-setup', paginated: false },
  'users.update': { group: 'users', method: 'update', httpMethod: 'PATCH', path: '/api/v1/users/{id}', paginated: false },
  'vault.clear': { group: 'vault', method: 'clear', httpMethod: 'DELETE', path: '/api/v1/vault', paginated: false },
  'vault.delete': { group: 'vault', method: 'delete', httpMethod: 'DELETE', path: '/api/v1/vault/keys/{key}', paginated: false },
  'vault.get': { group: 'vault', method: 'get', httpMethod: 'GET', path: '/api/v1/vault/keys/{key}', paginated: false },
  'vault.getStats': { group: 'vault', method: 'getStats', httpMethod: 'GET', path: '/api/v1/vault/stats', paginated: false },
  'vault.list': { group: 'vault', method: 'list', httpMethod: 'GET', path: '/api/v1/vault/keys', paginated: true },
  'vault.set': { group: 'vault', method: 'set', httpMethod: 'PATCH', path: '/api/v1/vault/keys/{key}', paginated: false },
} as const;

export type OperationId = keyof typeof operations;

/** The SDK's groups and methods, each documented with its operation's summary. */
export interface OperationMethods {
  activity: {
    /** Get activity log statistics: `GET /api/v1/users/auth/activity/stats`. */
    getStats: 'activity.getStats';
    /** List activity logs: `GET /api/v1/users/auth/activity`. */
    list: 'activity.list';
  };
  authTokens: {
    /** Add a realm to an auth token: `POST /api/v1/auth/tokens/{id}/add-realm`. */
    addRealm: 'authTokens.addRealm';
    /** Copy an auth token: `POST /api/v1/auth/tokens/{id}/copy`. */
    copy: 'authTokens.copy';
    /** Create an auth token: `POST /api/v1/auth/tokens`. */
    create: 'authTokens.create';
    /** Delete an auth token: `DELETE /api/v1/auth/tokens/{id}`. */
    delete: 'authTokens.delete';
    /** Get an auth token: `GET /api/v1/auth/tokens/{id}`. */
    get: 'authTokens.get';
    /** Get the current auth token: `GET /api/v1/auth/tokens/me`. */
    getCurrent: 'authTokens.getCurrent';
    /** Get a public profile by public key: `GET /api/v1/auth/tokens/public-profiles/{public_key}`. */
    getPublicProfile: 'authTokens.getPublicProfile';
    /** List auth tokens: `GET /api/v1/auth/tokens`. */
    list: 'authTokens.list';
    /** Remove a realm from an auth token: `POST /api/v1/auth/tokens/{id}/remove-realm`. */
    removeRealm: 'authTokens.removeRealm';
    /** Update an auth token: `PATCH /api/v1/auth/tokens/{id}`. */
    update: 'authTokens.update';
    /** Update the current token's public profile: `PATCH /api/v1/auth/tokens/me/public-profile`. */
    updatePublicProfile: 'authTokens.updatePublicProfile';
  };
  realms: {
    /** List realms: `GET /api/v1/realms/`. */
    list: 'realms.list';
  };
  users: {
    /** Get a user profile: `GET /api/v1/users/{id}`. */
    get: 'users.get';
    /** Retry account setup: `POST /api/v1/users/me/retry-setup`. */
    retrySetup: 'users.retrySetup';
    /** Update a user profile: `PATCH /api/v1/users/{id}`. */
    update: 'users.update';
  };
  vault: {
    /** Clear the vault: `DELETE /api/v1/vault`. */
    clear: 'vault.clear';
    /** Delete a vault key: `DELETE /api/v1/vault/keys/{key}`. */
    delete: 'vault.delete';
    /** Get a vault key: `GET /api/v1/vault/keys/{key}`. */
    get: 'vault.get';
    /** Get vault statistics: `GET /api/v1/vault/stats`. */
    getStats: 'vault.getStats';
    /** List vault keys: `GET /api/v1/vault/keys`. */
    list: 'vault.list';
    /** Set a vault key: `PATCH /api/v1/vault/keys/{key}`. */
    set: 'vault.set';
  };
}

/** The hey-api types of each operation: request (`path`, `query`, `body`), responses and errors by status. */
export interface OperationTypes {
  'activity.getStats': { request: Types.ActivityGetStatsData; responses: Types.ActivityGetStatsResponses; errors: Types.ActivityGetStatsErrors };
  'activity.list': { request: Types.ActivityListData; responses: Types.ActivityListResponses; errors: Types.ActivityListErrors };
  'authTokens.addRealm': { request: Types.AuthTokensAddRealmData; responses: Types.AuthTokensAddRealmResponses; errors: Types.AuthTokensAddRealmErrors };
  'authTokens.copy': { request: Types.AuthTokensCopyData; responses: Types.AuthTokensCopyResponses; errors: Types.AuthTokensCopyErrors };
  'authTokens.create': { request: Types.AuthTokensCreateData; responses: Types.AuthTokensCreateResponses; errors: Types.AuthTokensCreateErrors };
  'authTokens.delete': { request: Types.AuthTokensDeleteData; responses: Types.AuthTokensDeleteResponses; errors: Types.AuthTokensDeleteErrors };
  'authTokens.get': { request: Types.AuthTokensGetData; responses: Types.AuthTokensGetResponses; errors: Types.AuthTokensGetErrors };
  'authTokens.getCurrent': { request: Types.AuthTokensGetCurrentData; responses: Types.AuthTokensGetCurrentResponses; errors: Types.AuthTokensGetCurrentErrors };
  'authTokens.getPublicProfile': { request: Types.AuthTokensGetPublicProfileData; responses: Types.AuthTokensGetPublicProfileResponses; errors: Types.AuthTokensGetPublicProfileErrors };
  'authTokens.list': { request: Types.AuthTokensListData; responses: Types.AuthTokensListResponses; errors: Types.AuthTokensListErrors };
  'authTokens.removeRealm': { request: Types.AuthTokensRemoveRealmData; responses: Types.AuthTokensRemoveRealmResponses; errors: Types.AuthTokensRemoveRealmErrors };
  'authTokens.update': { request: Types.AuthTokensUpdateData; responses: Types.AuthTokensUpdateResponses; errors: Types.AuthTokensUpdateErrors };
  'authTokens.updatePublicProfile': { request: Types.AuthTokensUpdatePublicProfileData; responses: Types.AuthTokensUpdatePublicProfileResponses; errors: Types.AuthTokensUpdatePublicProfileErrors };
  'realms.list': { request: Types.RealmsListData; responses: Types.RealmsListResponses; errors: Types.RealmsListErrors };
  'users.get': { request: Types.UsersGetData; responses: Types.UsersGetResponses; errors: Types.UsersGetErrors };
  'users.retrySetup': { request: Types.UsersRetrySetupData; responses: Types.UsersRetrySetupResponses; errors: Types.UsersRetrySetupErrors };
  'users.update': { request: Types.UsersUpdateData; responses: Types.UsersUpdateResponses; errors: Types.UsersUpdateErrors };
  'vault.clear': { request: Types.VaultClearData; responses: Types.VaultClearResponses; errors: Types.VaultClearErrors };
  'vault.delete': { request: Types.VaultDeleteData; responses: Types.VaultDeleteResponses; errors: Types.VaultDeleteErrors };
  'vault.get': { request: Types.VaultGetData; responses: Types.VaultGetResponses; errors: Types.VaultGetErrors };
  'vault.getStats': { request: Types.VaultGetStatsData; responses: Types.VaultGetStatsResponses; errors: Types.VaultGetStatsErrors };
  'vault.list': { request: Types.VaultListData; responses: Types.VaultListResponses; errors: Types.VaultListErrors };
  'vault.set': { request: Types.VaultSetData; responses: Types.VaultSetResponses; errors: Types.VaultSetErrors };
}
