/** What a handler gets besides its validated input: the caller, the store, and the request's facts. */
import type { Store, TokenRecord, UserRecord, PermissionMap } from '../store/types.js';

export type Caller = {
  user: UserRecord;
  /** The API token used, when the request was not made with a session JWT. */
  token?: TokenRecord;
};

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
