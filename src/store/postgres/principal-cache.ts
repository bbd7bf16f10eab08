/**
 * Who a credential is (the user by id, the API token by digest), kept in the process so that authenticating a
 * request costs no round trip, and a read operation awaits only its own statement.
 *
 * It is only as fresh as its invalidation, which has three paths:
 * - this process's own writes forget the entry before they return;
 * - every other writer (another process, a migration, an operator's SQL) fires a trigger (migration 005) whose
 *   NOTIFY reaches this process when that transaction commits — so another process may accept a just-revoked
 *   credential for the time the notification takes to arrive (well under a millisecond on one host);
 * - entries expire after `maxAgeMs` anyway, and while the notification connection is down nothing is cached at all.
 * A lookup that started before an invalidation arrived does not fill the cache (the generation check), so a slow
 * read cannot put back what a notification just removed. Records are frozen: they are shared by every request.
 */
export type Clock = () => number;

type Entry<T> = { value: T; storedAt: number };

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export class PrincipalCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private generation = 0;
  private live = false;

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 30_000,
    private readonly now: Clock = Date.now,
  ) {}

  /** The cached record for `key`, or what `load` answers (cached when nothing was invalidated meanwhile). */
  async read(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = this.live ? this.entries.get(key) : undefined;
    if (hit && this.now() - hit.storedAt < this.maxAgeMs) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (value !== undefined && this.live && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.delete(key);
      this.entries.set(key, { value: deepFreeze(value), storedAt: this.now() });
    }
    return value;
  }

  forget(key: string) {
    this.generation += 1;
    this.entries.delete(key);
  }

  /** Caching starts once invalidations can arrive, and stops (forgetting everything) when they cannot. */
  setLive(live: boolean) {
    this.generation += 1;
    this.entries.clear();
    this.live = live;
  }

  get size() {
    return this.entries.size;
  }
}
