/** What a handler gets besides its validated input: the caller, the store, and the request's facts. */
import type { Caller } from '../auth/authenticate.js';
import type { Store, PermissionMap } from '../store/types.js';

export type { Caller };

export type HandlerContext = {
  store: Store;
  caller: Caller;
  /** The active realm: `realm_id`, the Host's realm label, or `""` (global scope). */
  realmId: string;
  now: Date;
  ip: string;
  /** The spec's permission templates. */
  templates: Record<string, PermissionMap>;
};
