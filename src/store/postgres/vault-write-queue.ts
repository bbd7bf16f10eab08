/**
 * One user's vault writes, applied in the order they reached this process, one call at a time.
 *
 * Why they wait here: a user's writes serialise on that user's vault_usage row in the database anyway (the lock
 * order of migration 003). Without this queue, 200 parallel writes by one user held every pooled connection while
 * they waited on each other, and other users' requests waited for a connection (measured: 4.7 s).
 *
 * Why sets are batched: while one call is in the database, the sets that arrive queue behind it; the next call takes
 * the run of sets at the head of the queue (up to `maxBatch`) and applies them in one statement and one commit
 * (`vault_set_many`, migration 007), each with its own outcome. A busy user's writes then cost one durable commit per
 * batch instead of one each. Deletes and clears run alone, in their place in the order. A queue longer than
 * `maxQueued` refuses at once (503, retry later).
 *
 * A batch that fails as a whole (one value the database refuses fails the statement) is retried one write at a
 * time, so each write gets its own answer and one bad write cannot fail the others. A lost connection is not
 * retried: it fails every write of the batch, and none of them changed anything.
 */
import { StoreUnavailableError } from '../../errors.js';

type Settle<T> = { resolve: (value: T) => void; reject: (failure: unknown) => void };
type SetJob<S, R> = { kind: 'set'; set: S } & Settle<R>;
type AloneJob = { kind: 'alone'; work: () => Promise<unknown> } & Settle<unknown>;

export type VaultWriteQueueOptions<S, R> = {
  /** Applies `sets` in order in one statement; answers one result per set, in the same order. */
  writeSets: (userId: string, sets: S[]) => Promise<R[]>;
  maxBatch: number;
  maxQueued: number;
};

export class VaultWriteQueue<S, R> {
  /** A user has an entry while a call of theirs is running; it holds the writes waiting behind that call. */
  private readonly waiting = new Map<string, Array<SetJob<S, R> | AloneJob>>();

  constructor(private readonly options: VaultWriteQueueOptions<S, R>) {}

  set(userId: string, set: S): Promise<R> {
    return this.enqueue<R>(userId, (resolve, reject) => ({ kind: 'set', set, resolve, reject }));
  }

  /** Runs `work` (a delete or a clear) by itself, after the user's earlier writes and before later ones. */
  alone<T>(userId: string, work: () => Promise<T>): Promise<T> {
    return this.enqueue<T>(userId, (resolve, reject) => ({ kind: 'alone', work, resolve: resolve as (value: unknown) => void, reject }));
  }

  /**
   * The job is made whole by `makeJob`, not by spreading a partial one with its settle functions: in Node 20's V8
   * that spread took a slow generic path, about 1.9 µs a write in a loop, 3% of a vault.set's busy time.
   */
  private enqueue<T>(userId: string, makeJob: (resolve: (value: T) => void, reject: (failure: unknown) => void) => SetJob<S, R> | AloneJob): Promise<T> {
    const queue = this.waiting.get(userId);
    if (queue && queue.length >= this.options.maxQueued) {
      return Promise.reject(new StoreUnavailableError(new Error(`too many concurrent vault writes for one user (${this.options.maxQueued} queued)`)));
    }
    return new Promise<T>((resolve, reject) => {
      const job = makeJob(resolve, reject);
      if (queue) {
        queue.push(job);
        return;
      }
      const fresh = [job];
      this.waiting.set(userId, fresh);
      void this.drain(userId, fresh);
    });
  }

  private async drain(userId: string, queue: Array<SetJob<S, R> | AloneJob>) {
    while (queue.length > 0) {
      const head = queue[0];
      if (head.kind === 'alone') {
        queue.shift();
        // Through a promise, so that work that throws at once still settles its caller and the queue moves on.
        await Promise.resolve().then(head.work).then(head.resolve, head.reject);
        continue;
      }
      let count = 1;
      while (count < this.options.maxBatch && queue[count]?.kind === 'set') count += 1;
      await this.writeBatch(userId, queue.splice(0, count) as SetJob<S, R>[]);
    }
    this.waiting.delete(userId);
  }

  private async writeBatch(userId: string, batch: SetJob<S, R>[]) {
    try {
      const results = await this.options.writeSets(
        userId,
        batch.map((job) => job.set),
      );
      // Answered on the next turn of the event loop, so that the next batch is already on its way to the database
      // while this batch's requests are answered (resolving here would run all of their answers first).
      setImmediate(() => batch.forEach((job, index) => job.resolve(results[index])));
    } catch (failure) {
      if (batch.length === 1 || failure instanceof StoreUnavailableError) {
        for (const job of batch) job.reject(failure);
        return;
      }
      for (const job of batch) {
        await this.options.writeSets(userId, [job.set]).then(([result]) => job.resolve(result), job.reject);
      }
    }
  }
}
