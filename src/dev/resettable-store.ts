/**
 * The dev server's store: a memory store that can be replaced by a fresh one (`POST /__dev/reset`) while the app
 * keeps its reference. Every call goes to the current store.
 */
import { MemoryStore } from '../store/memory/index.js';
import type { Store } from '../store/types.js';

export function resettableMemoryStore(fill: (store: Store) => Promise<void>): { store: Store; reset(): Promise<void> } {
  let current: Store = new MemoryStore();
  const store = new Proxy({} as Store, {
    get: (_target, name) => {
      const member = (current as unknown as Record<PropertyKey, unknown>)[name];
      return typeof member === 'function' ? member.bind(current) : member;
    },
  });
  return {
    store,
    async reset() {
      const fresh = new MemoryStore();
      await fill(fresh);
      const previous = current;
      current = fresh;
      await previous.close();
    },
  };
}
