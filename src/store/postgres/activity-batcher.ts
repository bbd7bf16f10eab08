/**
 * Group commit of the activity log: `appendActivity` queues the record and returns; the queue is written as one
 * multi-row INSERT every FLUSH_INTERVAL_MS, or as soon as it holds MAX_BATCH records. Each request thus no longer
 * waits for a round trip of its own to record itself, and the database takes one statement per batch instead of
 * one per request.
 *
 * What is kept: reads of the log in this process (list, stats, purge) flush first, so they see every record this
 * process accepted; `close()` flushes, and the server closes the store only after its in-flight requests finish,
 * so a drained shutdown (SIGTERM) loses nothing. What a crash can lose: the records of the last flush interval
 * (at most 50 ms of them). Another process sees a record at most one interval late. A failed write keeps its batch
 * for the next flush (up to MAX_QUEUED records, past which the oldest are dropped and counted).
 */
import type { ActivityRecord } from '../types.js';

export const FLUSH_INTERVAL_MS = 50;
const MAX_BATCH = 500;
const MAX_QUEUED = 50_000;

const COLUMNS = ['id', 'user_id', 'realm_id', 'method', 'path', 'status_code', 'ip_address', 'user_agent', 'created_at'] as const;
const TYPES = ['text', 'text', 'text', 'text', 'text', 'int', 'text', 'text', 'timestamptz'];
const INSERT = `INSERT INTO activity (${COLUMNS.join(', ')}) SELECT * FROM unnest(${TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`;

export class ActivityBatcher {
  private queue: ActivityRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private inFlightBatch: ActivityRecord[] = [];
  private followUp: Promise<void> | undefined;
  /** Records dropped because the database refused writes for too long. */
  dropped = 0;

  constructor(private readonly write: (text: string, values: unknown[]) => Promise<unknown>) {}

  add(record: ActivityRecord): void {
    this.queue.push(record);
    if (this.queue.length >= MAX_BATCH) void this.flush().catch(() => {});
    else this.timer ??= setTimeout(() => void this.flush().catch(() => {}), FLUSH_INTERVAL_MS);
  }

  /** Whether records of this user wait to be written (a read of their log flushes only then). */
  hasQueuedFor(userId: string): boolean {
    return this.queue.some((record) => record.user_id === userId) || this.inFlightBatch.some((record) => record.user_id === userId);
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
    this.inFlightBatch = batch;
    // One write at a time, in order, so `seq` (the tie-break of equal times) follows arrival.
    this.inFlight = this.write(
      INSERT,
      COLUMNS.map((column) => batch.map((record) => record[column])),
    )
      .then(
        () => undefined,
        (failure: unknown) => {
          this.queue.unshift(...batch);
          const excess = this.queue.length - MAX_QUEUED;
          if (excess > 0) this.dropped += this.queue.splice(0, excess).length;
          this.timer ??= setTimeout(() => void this.flush().catch(() => {}), FLUSH_INTERVAL_MS * 20);
          throw failure;
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        this.inFlightBatch = [];
      });
    return this.inFlight;
  }
}
