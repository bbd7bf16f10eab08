/**
 * Fault injection through a wrapper, never by overwriting a store's methods in place: the store the server is given
 * is a proxy over a real one, and a test injects a replacement for a method (which receives the real method, to
 * call, corrupt or count) from whatever moment it chooses. Everything not injected passes straight through.
 */
import type { Store } from '../../src/store/types.js';

type Method = { [K in keyof Store]-?: Store[K] extends (...args: any[]) => any ? K : never }[keyof Store];

export function withFaults<S extends Store>(inner: S) {
  const faults = new Map<Method, (...args: any[]) => any>();
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const fault = faults.get(property as Method);
      if (fault) return fault;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    store,
    /** From now on, `method` runs `replacement(real method)` instead. */
    inject<M extends Method>(method: M, replacement: (real: Store[M]) => Store[M]) {
      faults.set(method, replacement((inner[method] as (...args: any[]) => any).bind(inner) as Store[M]) as (...args: any[]) => any);
    },
  };
}
