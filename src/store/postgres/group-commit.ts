/**
 * Group commit for what every request writes as a side effect (the activity log; a token's `last_used_*`): `add`
 * queues and returns; the queue is written in one statement every FLUSH_INTERVAL_MS, or as soon as it holds
 * MAX_BATCH items. A request no longer waits for a round trip of its own to record itself, and the database takes
 * one statement per batch instead of one per request.
 *
 * What is kept: a read that must see these writes waits for them first (`written`), or reads without waiting and
 * adds what the database did not have yet (`unwritten`; and, for an answer read earlier, the batches written since,
 * `writtenFrom`), and sees everything of its kind this process accepted;
 * `close()` flushes, and the server closes the store only after its in-flight requests finish, so a drained
 * shutdown (SIGTERM) loses nothing; a write the database refuses then is tried again for a while (`drain`), and
 * what it never took is reported, not dropped in silence. What a crash can lose: the last flush interval (at most
 * 50 ms). Another process sees a write at most one interval late. A failed write keeps its batch for the next flush
 * (up to MAX_QUEUED items, past which the oldest are dropped and counted).
 */
export const FLUSH_INTERVAL_MS = 50;
/** While draining at close, the pause between a failed write and the next try. */
const DRAIN_RETRY_MS = 250;
const MAX_BATCH = 500;
const MAX_QUEUED = 50_000;

/** A batch written lately: its items, what its write answered, and its place among the writes that succeeded. */
export type WrittenBatch<Item, Receipt> = { items: readonly Item[]; receipt: Receipt; ordinal: number; at: number };

export class GroupCommit<Item, Receipt = unknown> {
  private queue: Item[] = [];
  /** The queue's items in the order they came (`arrived`). */
  private arrivals: Item[] = [];
  private inFlightBatch: Item[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private followUp: Promise<void> | undefined;
  /** The batches written in the last `keepWrittenMs`, oldest first. */
  private recent: WrittenBatch<Item, Receipt>[] = [];
  /** Items dropped because the database refused writes for too long. */
  dropped = 0;
  /** Writes started so far; the one in flight, if any, is the last of them. */
  started = 0;
  /** Writes that succeeded so far. */
  succeeded = 0;

  private readonly keepWrittenMs: number;
  private readonly clock: () => number;
  private readonly order: ((a: Item, b: Item) => number) | undefined;

  constructor(
    private readonly write: (batch: Item[]) => Promise<Receipt>,
    options: {
      /** How long a written batch stays in `writtenFrom` (0, the default: none does). */
      keepWrittenMs?: number;
      clock?: () => number;
      /**
       * The order the queue (and so every batch) is kept in, arrival order among items it ranks equal; arrival order
       * where there is none. The activity log's is time: a reader then finds its held records in time order, batch by
       * batch, instead of sorting them for every answer (items arrive a little out of time order, as requests that
       * started earlier finish later).
       */
      order?: (a: Item, b: Item) => number;
    } = {},
  ) {
    this.keepWrittenMs = options.keepWrittenMs ?? 0;
    this.clock = options.clock ?? (() => performance.now());
    this.order = options.order;
  }

  /** The items of the write in flight (empty when none is). */
  get writing(): readonly Item[] {
    return this.inFlightBatch;
  }

  /** The items no write has taken yet, in arrival order (or in `order`). */
  get queued(): readonly Item[] {
    return this.queue;
  }

  /**
   * The queued items in the order they came, which sorted by `order` (stably) are the queue: a reader that keeps
   * what it made of them follows the queue by looking only at those that came since it last looked, as long as this
   * is the same array (a new one whenever the queue is taken by a write, or rebuilt after a failed one).
   */
  get arrived(): readonly Item[] {
    return this.arrivals;
  }

  /** The batches written in the last `keepWrittenMs` whose write was the `ordinal`th to succeed or a later one. */
  writtenFrom(ordinal: number): readonly WrittenBatch<Item, Receipt>[] {
    const first = this.recent.findIndex((batch) => batch.ordinal >= ordinal);
    return first < 0 ? [] : this.recent.slice(first);
  }

  add(item: Item): void {
    const order = this.order;
    let at = this.queue.length;
    // From the end: items arrive nearly in order, so an item goes at most a few places back.
    if (order) while (at > 0 && order(item, this.queue[at - 1]) < 0) at -= 1;
    if (at === this.queue.length) this.queue.push(item);
    else this.queue.splice(at, 0, item);
    this.arrivals.push(item);
    if (this.queue.length >= MAX_BATCH) void this.flush().catch(() => {});
    else this.timer ??= setTimeout(() => void this.flush().catch(() => {}), FLUSH_INTERVAL_MS);
  }

  /**
   * Resolves once every item matching `test` that this process holds now is in the database (rejects if its write
   * failed). A queued one needs a flush. One only in the batch being written needs that write alone, not the
   * follow-up that takes what other requests queued meanwhile: a reader of one user's log does not wait for a second
   * round trip of other users' records. None: nothing to wait for.
   */
  written(test: (item: Item) => boolean): Promise<void> {
    if (this.queue.some(test)) return this.flush();
    if (this.inFlight && this.inFlightBatch.some(test)) return this.inFlight;
    return Promise.resolve();
  }

  /**
   * What this process holds of `test` that the database may not have yet, taken at once (no await in between): the
   * batch being written and the queue, as groups in arrival order. Each group reaches the database whole, in one
   * statement: a write takes the whole queue, and a failed write puts its batch back in the queue (in front, or
   * merged in `order`), where the next write takes it with the rest. So a reader tells a group written or not by
   * looking, in its own snapshot, for one item of it: `last`, since past MAX_QUEUED the first items go first, items
   * keep their order among themselves as others join them, and so a group whose last item was dropped was dropped
   * whole. Each group's `matching` is in the queue's order.
   */
  unwritten(test: (item: Item) => boolean): { last: Item; matching: Item[] }[] {
    const groups: { last: Item; matching: Item[] }[] = [];
    for (const group of [this.inFlightBatch, this.queue]) {
      const matching = group.filter(test);
      if (matching.length > 0) groups.push({ last: group[group.length - 1], matching });
    }
    return groups;
  }

  /**
   * Writes everything queued, trying again after a failed write (a lock held elsewhere, a database restarting) until
   * `withinMs` has passed. Answers what is still unwritten then (0 when all was written) and the last failure.
   */
  async drain(withinMs: number): Promise<{ unwritten: number; failure?: unknown }> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      try {
        await this.flush();
        if (this.queue.length === 0) return { unwritten: 0 };
      } catch (failure) {
        const left = deadline - Date.now();
        if (left <= 0) {
          clearTimeout(this.timer);
          this.timer = undefined;
          return { unwritten: this.queue.length, failure };
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(DRAIN_RETRY_MS, left)));
      }
    }
  }

  /**
   * Writes everything queued so far; resolves once it is in the database (rejects if the write failed). Callers
   * share writes: while one is in flight, every flush asked meanwhile waits for one follow-up write that takes all
   * that was queued by then, so concurrent readers never line up one write each.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.followUp) return this.followUp;
    if (this.inFlight) {
      this.followUp = this.inFlight
        .catch(() => {})
        .then(() => {
          this.followUp = undefined;
          return this.flush();
        });
      return this.followUp;
    }
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue.splice(0, this.queue.length);
    this.arrivals = [];
    this.inFlightBatch = batch;
    this.started += 1;
    // One write at a time, in order (the activity log's `seq` follows the queue: time, then arrival; a later last use
    // wins). Each outcome changes what a reader sees in one callback: the batch leaves the flight as it joins the
    // written or the queue.
    this.inFlight = this.write(batch).then(
      (receipt) => {
        this.inFlight = undefined;
        this.inFlightBatch = [];
        this.succeeded += 1;
        if (this.keepWrittenMs > 0) {
          const at = this.clock();
          const kept = this.recent.findIndex((written) => written.at >= at - this.keepWrittenMs);
          this.recent.splice(0, kept < 0 ? this.recent.length : kept);
          this.recent.push({ items: batch, receipt, ordinal: this.succeeded, at });
        }
      },
      (failure: unknown) => {
        this.inFlight = undefined;
        this.inFlightBatch = [];
        this.queue = this.order ? mergeInOrder(batch, this.queue, this.order) : [...batch, ...this.queue];
        const excess = this.queue.length - MAX_QUEUED;
        if (excess > 0) this.dropped += this.queue.splice(0, excess).length;
        // The queue in its order came in an order that sorts to it.
        this.arrivals = this.queue.slice();
        this.timer ??= setTimeout(() => void this.flush().catch(() => {}), FLUSH_INTERVAL_MS * 20);
        throw failure;
      },
    );
    return this.inFlight;
  }
}

/** `first` and `second`, each in `order`, merged in it; at a tie, `first`'s item goes first (it arrived first). */
export function mergeInOrder<Item>(first: readonly Item[], second: readonly Item[], order: (a: Item, b: Item) => number): Item[] {
  const merged: Item[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length && j < second.length) merged.push(order(second[j], first[i]) < 0 ? second[j++] : first[i++]);
  while (i < first.length) merged.push(first[i++]);
  while (j < second.length) merged.push(second[j++]);
  return merged;
}
