/**
 * What an API token may do, in one place: whether its permission map grants an operation's permission, and whether a
 * token it creates, copies or changes stays within its own reach. A session JWT acts with all of its user's rights
 * and is never narrowed here.
 *
 * The reach rule (docs/decisions.md, "A token never widens its own reach"): a token managing tokens — itself or
 * another — may only leave them with no more than it has itself, limit by limit: permissions, vault and event
 * access, realms and `allow_no_realm`, the IP allowlist, the expiry, and the enabled state. Otherwise a token
 * limited to one realm, one address and one hour could lift those limits by editing or copying itself.
 */
import { apiError } from '../errors.js';
import type { PermissionMap, TokenRecord } from '../store/types.js';
import { ipRangeWithin } from './ip-allowlist.js';

/** Whether a token's permission map grants `resource.action` (a missing path is false). */
export function grants(permissions: PermissionMap, permission: string): boolean {
  const [resource, action] = permission.split('.');
  return permissions[resource]?.[action] === true;
}

/** The fields of a token that bound what it can reach. */
export type TokenReach = Pick<
  TokenRecord,
  'permissions' | 'vault_access' | 'event_access' | 'realm_ids' | 'allow_no_realm' | 'ip_whitelist' | 'expires_at' | 'is_enabled'
>;

/**
 * The first limit of `caller` that `result` would pass, as a sentence for the error message, or undefined when
 * `result` is within reach. `wasEnabled` is the target's enabled state before the change (a new token: true).
 */
function reachExceeded(caller: TokenReach, result: TokenReach, wasEnabled = true): string | undefined {
  const grantsMore = Object.entries(result.permissions).some(([resource, actions]) =>
    Object.entries(actions).some(([action, granted]) => granted && caller.permissions[resource]?.[action] !== true),
  );
  if (grantsMore) return 'A token cannot grant permissions it does not have';
  if (result.vault_access && !caller.vault_access) return 'A token cannot grant vault access it does not have';
  if (result.event_access && !caller.event_access) return 'A token cannot grant event access it does not have';
  if (caller.realm_ids.length > 0) {
    if (result.realm_ids.length === 0)
      return `A token limited to realms cannot leave a token without realm limits (realm_ids must be within ${caller.realm_ids.join(', ')})`;
    const outside = result.realm_ids.find((realm) => !caller.realm_ids.includes(realm));
    if (outside) return `A token cannot reach realm ${outside}, which it may not use itself`;
  }
  if (!caller.allow_no_realm && result.allow_no_realm) return 'A token that needs a realm scope cannot allow use without one (allow_no_realm must be false)';
  if (!caller.ip_whitelist.includes('*')) {
    const outside = result.ip_whitelist.find((entry) => !caller.ip_whitelist.some((own) => ipRangeWithin(entry, own)));
    if (outside) return `A token cannot allow addresses outside its own IP whitelist (${outside} is not within ${caller.ip_whitelist.join(', ')})`;
  }
  if (caller.expires_at !== null && (result.expires_at === null || result.expires_at > caller.expires_at)) {
    return `A token cannot outlive its own expiry (expires_at must be set, no later than ${caller.expires_at})`;
  }
  if (!wasEnabled && result.is_enabled) return 'A token cannot re-enable a disabled token; use a session';
  return undefined;
}

/** Throws 403 INSUFFICIENT_PERMISSIONS, naming the limit, when a token-made result is outside the caller's reach. */
export function assertWithinReach(callerToken: TokenReach | undefined, result: TokenReach, wasEnabled = true): void {
  if (!callerToken) return;
  const exceeded = reachExceeded(callerToken, result, wasEnabled);
  if (exceeded) throw apiError('INSUFFICIENT_PERMISSIONS', { message: exceeded });
}
