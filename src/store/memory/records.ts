/** How the in-memory store keeps what it is handed: deep-frozen copies, replaced (never changed) on update. */
import type { Page } from '../types.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** An immutable copy of what a caller handed in. */
export const copy = <T>(value: T): T => deepFreeze(structuredClone(value));

/**
 * `kept` (a record this store holds, so already immutable) with a caller's `changes` over it. Only the changes are
 * copied: the rest is shared with `kept`, which no one can change. Copying the whole record on every update was
 * about a tenth of a users.update on this store (structuredClone of the user and its metadata, in a profile).
 */
export const withChanges = <T extends object>(kept: T, changes: Partial<T>): T => deepFreeze({ ...kept, ...structuredClone(changes) });

export const paginate = <T>(items: T[], page: number, limit: number): Page<T> => ({
  items: items.slice((page - 1) * limit, page * limit),
  total: items.length,
});
