/**
 * authTokens.*: list, get, create, copy, update, delete, addRealm, removeRealm, getCurrent, getPublicProfile,
 * updatePublicProfile. A user only ever reaches their own tokens: another user's token answers 404, as an unknown
 * id does.
 */
import { digestApiToken, generateApiToken } from '../auth/api-tokens.js';
import { parseIpWhitelist } from '../auth/ip-allowlist.js';
import { randomAnimalAliases } from '../domain/animal-alias.js';
import { parseDateInput } from '../domain/dates.js';
import { newId } from '../domain/ids.js';
import { assertWithinReach, type TokenReach } from '../auth/permissions.js';
import { apiError, type ApiError } from '../errors.js';
import type { TokenChanges, TokenConflict, TokenRecord } from '../store/types.js';
import type { HandlerContext } from './context.js';
import { pageMetadata, presentToken } from './present.js';
import type { Handler } from './types.js';

const tokenNotFound = () => apiError('TOKEN_NOT_FOUND');
const ALIAS_MAX = 100;

function conflictError(conflict: TokenConflict): ApiError {
  return conflict === 'DUPLICATE_ALIAS' ? apiError('DUPLICATE_ALIAS') : apiError('PUBLIC_KEY_IN_USE');
}

/** An expiration input as an ISO string; null stays null. Past dates answer EXPIRATION_IN_PAST. */
function expiration(input: string | number | null, now: Date): string | null {
  if (input === null) return null;
  const date = parseDateInput(input, 'end', now);
  if (!date) throw apiError('INVALID_EXPIRATION_FORMAT', { details: [{ field: 'body.expires_at', message: 'is not a valid date' }] });
  if (date.getTime() <= now.getTime()) throw apiError('EXPIRATION_IN_PAST');
  return date.toISOString();
}

const lowerUnique = (ids: string[]) => [...new Set(ids.map((id) => id.toLowerCase()))];

/** The fields of a token that bound its reach, after `changes`. */
const reachOf = (token: TokenReach, changes: TokenChanges = {}): TokenReach => ({
  permissions: changes.permissions ?? token.permissions,
  vault_access: changes.vault_access ?? token.vault_access,
  event_access: changes.event_access ?? token.event_access,
  realm_ids: changes.realm_ids ?? token.realm_ids,
  allow_no_realm: changes.allow_no_realm ?? token.allow_no_realm,
  ip_whitelist: changes.ip_whitelist ?? token.ip_whitelist,
  expires_at: changes.expires_at === undefined ? token.expires_at : changes.expires_at,
  is_enabled: changes.is_enabled ?? token.is_enabled,
});

/**
 * With an API token, reads the target token and checks that it stays within the caller's reach after the changes
 * `changesOf` makes to it (a session JWT is not narrowed, and reads nothing here).
 */
async function assertTargetWithinReach(context: HandlerContext, id: string, changesOf: (target: TokenRecord) => TokenChanges): Promise<void> {
  if (!context.caller.token) return;
  const target = await context.store.getToken(context.caller.user.id, id);
  if (!target) throw tokenNotFound();
  assertWithinReach(context.caller.token, reachOf(target, changesOf(target)), target.is_enabled);
}

export const list: Handler<'authTokens.list', HandlerContext> = async ({ query }, { store, caller }) => {
  const page = query.page ?? 1;
  const limit = query.limit ?? 50;
  const { items, total } = await store.listTokens(caller.user.id, page, limit);
  return {
    status: 200,
    body: { statusCode: 200, message: 'Auth tokens retrieved successfully', data: items.map(presentToken), metadata: pageMetadata(total, page, limit) },
  };
};

export const get: Handler<'authTokens.get', HandlerContext> = async ({ params }, { store, caller }) => {
  const token = await store.getToken(caller.user.id, params.id);
  if (!token) throw tokenNotFound();
  return { status: 200, body: { statusCode: 200, message: 'Auth token retrieved successfully', data: presentToken(token) } };
};

/** Creates the token; answers it with its plain value shown once, or the conflict the store found. */
async function issue(
  context: HandlerContext,
  fields: Omit<TokenRecord, 'id' | 'user_id' | 'alias' | 'token_digest' | 'created_at' | 'updated_at' | 'last_used_at' | 'last_used_ip'>,
  aliases: string[],
) {
  const plain = generateApiToken();
  const at = context.now.toISOString();
  const created = await context.store.createToken(
    {
      ...fields,
      id: newId(context.now.getTime()),
      user_id: context.caller.user.id,
      token_digest: digestApiToken(plain),
      last_used_at: null,
      last_used_ip: null,
      created_at: at,
      updated_at: at,
    },
    aliases,
  );
  return typeof created === 'string' ? created : { token: plain, ...presentToken(created) };
}

export const create: Handler<'authTokens.create', HandlerContext> = async ({ body }, context) => {
  const fields = {
    public_key: body.public_key?.toLowerCase() ?? null,
    public_storage: body.public_storage ?? null,
    ip_whitelist: parseIpWhitelist(body.ip_whitelist ?? '*'),
    realm_ids: lowerUnique(body.realm_ids ?? []),
    allow_no_realm: body.allow_no_realm ?? true,
    permissions: body.permission_template ? context.templates[body.permission_template] : (body.permissions ?? {}),
    expires_at: body.expires_at === undefined ? null : expiration(body.expires_at, context.now),
    is_enabled: true,
    vault_access: body.vault_access ?? false,
    event_access: body.event_access ?? true,
  };
  assertWithinReach(context.caller.token, fields);
  const data = await issue(context, fields, body.alias !== undefined ? [body.alias] : randomAnimalAliases(8));
  if (typeof data === 'string') throw conflictError(data);
  return { status: 201, body: { statusCode: 201, message: 'Auth token created successfully', data } };
};

export const copy: Handler<'authTokens.copy', HandlerContext> = async ({ params, body }, context) => {
  const source = await context.store.getToken(context.caller.user.id, params.id);
  if (!source) throw tokenNotFound();
  const expiresAt = body && 'expires_at' in body && body.expires_at !== undefined ? expiration(body.expires_at, context.now) : source.expires_at;
  if (expiresAt !== null && expiresAt <= context.now.toISOString()) throw apiError('EXPIRATION_IN_PAST');
  const base = `${source.alias.slice(0, ALIAS_MAX - ' copy'.length)} copy`;
  // "<source> copy", then "<source> copy 2", ...: deterministic, and never a duplicate.
  const aliases =
    body?.alias !== undefined
      ? [body.alias]
      : [base, ...Array.from({ length: 98 }, (_, i) => `${source.alias.slice(0, ALIAS_MAX - ` copy ${i + 2}`.length)} copy ${i + 2}`)];
  const fields = { ...reachOf(source, { expires_at: expiresAt, is_enabled: true }), public_key: null, public_storage: null };
  assertWithinReach(context.caller.token, fields, source.is_enabled);
  const data = await issue(context, fields, aliases);
  // A copy has no public key, so its only possible conflict is the alias.
  if (typeof data === 'string') throw apiError('DUPLICATE_ALIAS');
  return { status: 201, body: { statusCode: 201, message: 'Auth token copied successfully', data } };
};

export const update: Handler<'authTokens.update', HandlerContext> = async ({ params, body }, context) => {
  const changes: TokenChanges = {};
  if (body.alias !== undefined) changes.alias = body.alias;
  if (body.public_key !== undefined) changes.public_key = body.public_key?.toLowerCase() ?? null;
  if (body.public_storage !== undefined) changes.public_storage = body.public_storage;
  if (body.ip_whitelist !== undefined) changes.ip_whitelist = parseIpWhitelist(body.ip_whitelist);
  if (body.permissions !== undefined) changes.permissions = body.permissions;
  if (body.realm_ids !== undefined) changes.realm_ids = lowerUnique(body.realm_ids);
  if (body.allow_no_realm !== undefined) changes.allow_no_realm = body.allow_no_realm;
  if (body.vault_access !== undefined) changes.vault_access = body.vault_access;
  if (body.event_access !== undefined) changes.event_access = body.event_access;
  if (body.expires_at !== undefined) changes.expires_at = expiration(body.expires_at, context.now);
  if (body.is_enabled !== undefined) changes.is_enabled = body.is_enabled;
  await assertTargetWithinReach(context, params.id, () => changes);
  const result = await context.store.updateToken(context.caller.user.id, params.id, changes, context.now.toISOString());
  if (result === undefined) throw tokenNotFound();
  if (typeof result === 'string') throw conflictError(result);
  return { status: 200, body: { statusCode: 200, message: 'Auth token updated successfully', data: presentToken(result) } };
};

const deleteToken: Handler<'authTokens.delete', HandlerContext> = async ({ params }, { store, caller }) => {
  if (!(await store.deleteToken(caller.user.id, params.id))) throw tokenNotFound();
  return { status: 200, body: { statusCode: 200, message: 'Auth token deleted successfully' } };
};
export { deleteToken as delete };

export const addRealm: Handler<'authTokens.addRealm', HandlerContext> = async ({ params, body }, context) => {
  const { store, caller, now } = context;
  const realmId = body.realm_id.toLowerCase();
  await assertTargetWithinReach(context, params.id, ({ realm_ids }) => ({ realm_ids: realm_ids.includes(realmId) ? realm_ids : [...realm_ids, realmId] }));
  const token = await store.addTokenRealm(caller.user.id, params.id, realmId, now.toISOString());
  if (!token) throw tokenNotFound();
  return { status: 200, body: { statusCode: 200, message: 'Realm added to auth token successfully', data: presentToken(token) } };
};

export const removeRealm: Handler<'authTokens.removeRealm', HandlerContext> = async ({ params, body }, context) => {
  const { store, caller, now } = context;
  const realmId = body.realm_id.toLowerCase();
  await assertTargetWithinReach(context, params.id, ({ realm_ids }) => ({ realm_ids: realm_ids.filter((realm) => realm !== realmId) }));
  // A realm-limited token may not remove a target's last realm (that would lift its realm limits), also when two
  // removals race: the store refuses it atomically.
  const keepOne = Boolean(caller.token && caller.token.realm_ids.length > 0);
  const token = await store.removeTokenRealm(caller.user.id, params.id, realmId, now.toISOString(), { keepOne });
  if (token === 'LAST_REALM') throw apiError('INSUFFICIENT_PERMISSIONS', { message: 'A token limited to realms cannot remove the last realm of a token' });
  if (!token) throw tokenNotFound();
  return { status: 200, body: { statusCode: 200, message: 'Realm removed from auth token successfully', data: presentToken(token) } };
};

export const getCurrent: Handler<'authTokens.getCurrent', HandlerContext> = async (_input, { caller, realmId }) => {
  const token = caller.token!;
  return {
    status: 200,
    body: {
      statusCode: 200,
      message: 'Current auth token retrieved successfully',
      data: {
        token: presentToken(token),
        restrictions: {
          has_realm_restrictions: token.realm_ids.length > 0,
          requires_realm_scope: !token.allow_no_realm,
          allowed_realm_ids: token.realm_ids,
          allow_no_realm: token.allow_no_realm,
          active_realm_id: realmId || null,
        },
      },
    },
  };
};

export const getPublicProfile: Handler<'authTokens.getPublicProfile', HandlerContext> = async ({ params }, { store, now }) => {
  const token = await store.findTokenByPublicKey(params.public_key.toLowerCase(), now.toISOString());
  if (!token?.public_key) throw tokenNotFound();
  return {
    status: 200,
    body: { statusCode: 200, message: 'Public profile retrieved successfully', data: { public_key: token.public_key, public_storage: token.public_storage } },
  };
};

export const updatePublicProfile: Handler<'authTokens.updatePublicProfile', HandlerContext> = async ({ body }, { store, caller, now }) => {
  const changes: TokenChanges = {};
  if (body.public_key !== undefined) changes.public_key = body.public_key?.toLowerCase() ?? null;
  if (body.public_storage !== undefined) changes.public_storage = body.public_storage;
  const result = await store.updateToken(caller.user.id, caller.token!.id, changes, now.toISOString());
  // The caller's own token was deleted while this request ran: the credential is gone.
  if (result === undefined) throw apiError('INVALID_TOKEN');
  // No alias changes here, so the only possible conflict is the public key.
  if (typeof result === 'string') throw apiError('PUBLIC_KEY_IN_USE');
  return { status: 200, body: { statusCode: 200, message: 'Public profile updated successfully', data: presentToken(result) } };
};
