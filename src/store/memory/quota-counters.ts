/** The quota counters of the in-memory store, which the pipeline's quota counter (src/pipeline/quota-counter.ts) adds to. */

export class MemoryQuotaCounters {
  /**
   * Quota counters of the current window only: a hit in a newer window drops the older one whole, so the map
   * holds at most the keys seen in one window, and never more than `maxRateLimitKeys` (past it the oldest key of
   * the window is forgotten, which at worst restarts that key's count).
   */
  private rateLimits = new Map<string, number>();
  private rateLimitWindowMs = -Infinity;

  constructor(private readonly maxRateLimitKeys: number) {}

  /** How many quota counters are held (for the memory-bound tests). */
  get size(): number {
    return this.rateLimits.size;
  }

  async hitRateLimit(key: string, windowStartMs: number, increment: number) {
    if (windowStartMs > this.rateLimitWindowMs) {
      this.rateLimits.clear();
      this.rateLimitWindowMs = windowStartMs;
    } else if (windowStartMs < this.rateLimitWindowMs) {
      // A window already over (a request that started before the roll): it counts against nothing.
      return increment;
    }
    const count = (this.rateLimits.get(key) ?? 0) + increment;
    if (increment > 0) {
      if (!this.rateLimits.has(key) && this.rateLimits.size >= this.maxRateLimitKeys) this.rateLimits.delete(this.rateLimits.keys().next().value!);
      this.rateLimits.set(key, count);
    }
    return count;
  }

  async purgeRateLimits(beforeMs: number) {
    if (this.rateLimitWindowMs < beforeMs) this.rateLimits.clear();
  }
}
