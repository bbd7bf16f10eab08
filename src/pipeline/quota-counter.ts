/**
 * Where quota counts come from. On the memory store a count is a map update, so every request asks the store
 * (`StoreQuotaCounter`). On PostgreSQL that is a round trip per quota per request (three per request), so
 * `ReconcilingQuotaCounter` counts in the process and reconciles with the database in batches:
 *
 * - a request whose key was not synced with the database in the last RECONCILE_INTERVAL_MS (`RATE_LIMIT_SYNC_MS`) (the first of a window,
 *   or the first after a quiet spell) asks the database, counting itself; concurrent requests wait for that call;
 * - other requests add to a local pending count and are judged on `database count at last sync + pending`;
 * - RECONCILE_INTERVAL_MS after a request, each key's pending count is added to the database in one statement per
 *   key, which answers the shared count (this process's and every other's) and keeps the key in sync.
 *
 * In one process the count is exact. Across processes a limit holds within one interval: each process sees the
 * others' requests at most RECONCILE_INTERVAL_MS late, so N processes can together admit, at worst, what each
 * admits in one interval beyond the limit. Counters of past windows are dropped at each reconcile; at most MAX_KEYS
 * keys are held (past it a key is counted by the database directly).
 */
import type { Store } from '../store/types.js';

export interface QuotaCounter {
  /** Adds `increment` (0 to only read) to `key`'s count in the window starting at `windowStart`; answers the count. */
  count(key: string, windowStart: number, increment: number): Promise<number>;
  /** Writes what is pending (before the store closes). */
  flush(): Promise<void>;
}

export class StoreQuotaCounter implements QuotaCounter {
  constructor(private readonly store: Store) {}
  count(key: string, windowStart: number, increment: number) {
    return this.store.hitRateLimit(key, windowStart, increment);
  }
  async flush() {}
}

export const RECONCILE_INTERVAL_MS = 100;
const MAX_KEYS = 100_000;

type Entry = { windowStart: number; known: number; pending: number; syncedAt: number; ready: Promise<void> | undefined };

export class ReconcilingQuotaCounter implements QuotaCounter {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private reconciling: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly intervalMs = RECONCILE_INTERVAL_MS,
  ) {}

  async count(key: string, windowStart: number, increment: number): Promise<number> {
    let entry = this.entries.get(key);
    if (!entry || entry.windowStart !== windowStart) {
      if (!entry && this.entries.size >= MAX_KEYS) return this.store.hitRateLimit(key, windowStart, increment);
      entry = { windowStart, known: 0, pending: 0, syncedAt: 0, ready: undefined };
      this.entries.set(key, entry);
    }
    while (entry.ready) await entry.ready;
    if (Date.now() - entry.syncedAt > this.intervalMs) {
      await this.sync(key, entry, increment);
      return entry.known + entry.pending;
    }
    entry.pending += increment;
    if (increment > 0) this.timer ??= setTimeout(() => void this.flush().catch(() => {}), this.intervalMs);
    return entry.known + entry.pending;
  }

  /** Adds the entry's pending count (and `extra`) to the database and takes the shared count it answers. */
  private sync(key: string, entry: Entry, extra: number): Promise<void> {
    const sent = entry.pending + extra;
    entry.pending = 0;
    entry.ready = this.store.hitRateLimit(key, entry.windowStart, sent).then(
      (count) => {
        entry.known = count;
        entry.syncedAt = Date.now();
        entry.ready = undefined;
      },
      (failure: unknown) => {
        entry.pending += sent - extra;
        entry.ready = undefined;
        throw failure;
      },
    );
    return entry.ready;
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.reconciling = this.reconciling
      .catch(() => {})
      .then(async () => {
        let newest = 0;
        for (const entry of this.entries.values()) newest = Math.max(newest, entry.windowStart);
        const work: Promise<void>[] = [];
        for (const [key, entry] of this.entries) {
          if (entry.windowStart < newest && entry.pending === 0) {
            this.entries.delete(key);
            continue;
          }
          if (entry.pending > 0 && !entry.ready) work.push(this.sync(key, entry, 0));
        }
        await Promise.all(work);
      });
    return this.reconciling;
  }
}
