/**
 * What recent activity reads answered (a page's stored rows, a user's stats), kept for a moment so that the same read
 * asked again soon (a dashboard that polls, several tabs, a client paging back, a flood of one user's requests) is
 * answered without a statement. This process's own records that the read's snapshot lacks are added at each answer
 * (`unwrittenSince` in activity.ts, and unwritten-activity.ts): those it holds, and those it wrote after the
 * snapshot, told by their transaction ids against the snapshot's. So a kept read shows every request of this
 * process up to the last, however many batches were written since.
 *
 * When an entry stops being used:
 * - after `entryMs` (`ENTRY_MS` unless the store is told otherwise), for what other processes write and delete: the
 *   first request after that sends the read again, and it and those that come while that read is under way are
 *   answered from the entry for up to `entryMs` more (`find`'s `stale`). So their records reach a page or the stats
 *   at most twice `entryMs` later than they would without the cache (they are already up to one flush interval late,
 *   group-commit.ts), and nobody waits for a kept read's refresh: where every request waited for it, a page deep
 *   in a log that grows under load stalled for the read's 6-9 ms in every 57 (bench/README.md). The time is counted
 *   from when the read was sent to when the request came, not to when the read answered: requests that waited for a
 *   slow read are answered by it (otherwise, with the database slow, each of them would read too, and make it
 *   slower);
 * - this process deletes records (retention): `forget`;
 * - the retention boundary of the read moved by more than twice `entryMs`, or back (a clock set by a test). Within
 *   it, a stored record up to twice `entryMs` past the 30 days may still be counted;
 * - for one answer, where it cannot be told whether the snapshot holds a batch: one sent while the read ran that
 *   holds none of the records the read looked up, still in flight (`unwrittenSince`); or where a page's kept rows no
 *   longer reach it (`pageFromWindow`).
 */
import type { ActivityFilter } from '../types.js';
import { FLUSH_INTERVAL_MS } from './group-commit.js';
import type { StoredWindow } from './unwritten-activity.js';

/** How long an entry answers by default: as long as another process holds its records before writing them. */
export const ENTRY_MS = FLUSH_INTERVAL_MS;
/** Entries kept at most (the oldest go first): about 2 MB of records at a page of 50. */
const MAX_ENTRIES = 500;
/**
 * Rows kept at most in all entries (the oldest entries go first), about 40 MB: a page's window starts early by the
 * records held of it (activity.ts, `readWindow`), up to a thousand rows, so entries alone would not bound them.
 */
export const MAX_KEPT_ROWS = 100_000;

/** A snapshot as PostgreSQL's `pg_current_snapshot()` gives it: which transactions it sees. */
export type Snapshot = { xmin: number; xmax: number; running: Set<number> };

/** Parses `pg_current_snapshot()::text`, `xmin:xmax:xip,xip,...`. */
export function parseSnapshot(text: string): Snapshot {
  const [xmin, xmax, running] = text.split(':');
  return { xmin: Number(xmin), xmax: Number(xmax), running: new Set(running ? running.split(',').map(Number) : []) };
}

/** Whether a transaction that committed is seen by `snapshot` (PostgreSQL's `pg_visible_in_snapshot`). */
export function seenBy(snapshot: Snapshot, transaction: number): boolean {
  return transaction < snapshot.xmin || (transaction < snapshot.xmax && !snapshot.running.has(transaction));
}

/**
 * What a statement answered, with what tells which of this process's records its snapshot holds: the snapshot; the
 * probes of the held batches (whether it holds each, by the batch's last record); how many batch writes had
 * succeeded before it was sent (those are in it), and how many had started when it answered (later ones are not).
 */
export type Kept = { snapshot: Snapshot; written: Map<string, boolean>; succeededBefore: number; startedBeforeAnswer: number };
export type CachedWindow = StoredWindow & Kept;
export type CachedStats = { records: number; bytes: number; oldest: string | null; newest: string | null } & Kept;
type Entry = { kept: Kept; sentAt: number; since: number; rows: number };

export class ActivityReadCache {
  private entries = new Map<string, Entry>();
  private reads = new Map<string, { answered: Promise<void>; sentAt: number }>();
  /** The rows of every entry's window. */
  private rows = 0;

  constructor(
    /** How long an entry answers; 0: none is kept. */
    private readonly entryMs: number,
    private readonly clock: () => number = () => performance.now(),
    private readonly maxRows = MAX_KEPT_ROWS,
  ) {}

  /** The longest an entry answers after its read was sent: its life, and as long again while it is read anew. */
  get longestAnswerMs(): number {
    return 2 * this.entryMs;
  }

  /** How many rows the entries hold (for the memory-bound test). */
  get keptRows(): number {
    return this.rows;
  }

  private drop(key: string) {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.rows -= entry.rows;
    this.entries.delete(key);
  }

  /**
   * What was read for `key` (a page, or a user's stats), if it answers a request asked at `askedAt` (see the file's
   * comment): one that waited for a read under way is answered by it however long it took, as long as it was sent
   * within `entryMs` before the request came. `stale`: sent up to `entryMs` earlier than that, to answer while the
   * read is sent again.
   */
  find<Answer extends Kept>(key: string, since: string, askedAt = this.clock()): { kept: Answer; stale: boolean } | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const age = askedAt - entry.sentAt;
    const sinceMoved = Date.parse(since) - entry.since;
    if (age > this.longestAnswerMs || sinceMoved < 0 || sinceMoved > this.longestAnswerMs) {
      // Dropped once it answers no request: not for a waiter's earlier question.
      if (this.clock() - entry.sentAt > this.longestAnswerMs) this.drop(key);
      return undefined;
    }
    return { kept: entry.kept as Answer, stale: age > this.entryMs || sinceMoved > this.entryMs };
  }

  /** The time to give `keep` for a statement about to be sent. */
  now(): number {
    return this.clock();
  }

  /** Keeps what a statement sent at `sentAt` read for `key`, unless what is kept for it was sent later. */
  keep(key: string, since: string, kept: Kept, sentAt: number) {
    if (this.entryMs <= 0 || (this.entries.get(key)?.sentAt ?? -Infinity) > sentAt) return;
    this.drop(key);
    const rows = (kept as Partial<StoredWindow>).rows?.length ?? 0;
    while (this.entries.size > 0 && (this.entries.size >= MAX_ENTRIES || this.rows + rows > this.maxRows))
      this.drop(this.entries.keys().next().value as string);
    this.entries.set(key, { kept, sentAt, since: Date.parse(since), rows });
    this.rows += rows;
  }

  /**
   * A read of `key` already under way, to wait for instead of sending another: under load, every request that came
   * while a read was under way would otherwise read too (with 50 connections, dozens of the same read at once).
   * Once it answers, the waiter looks again, as asked at `askedAt`. None where nothing is kept (the waiter would find
   * nothing), or where the read was sent more than `entryMs` before `askedAt`: it could not answer this request.
   */
  readUnderWay(key: string, askedAt: number): Promise<void> | undefined {
    const read = this.entryMs > 0 ? this.reads.get(key) : undefined;
    return read && askedAt - read.sentAt <= this.entryMs ? read.answered : undefined;
  }

  /** `read`, sent at `sentAt`, is the read of `key` under way, until it answers. */
  reading(key: string, read: Promise<unknown>, sentAt: number) {
    const answered = read.then(
      () => undefined,
      () => undefined,
    );
    const underWay = { answered, sentAt };
    this.reads.set(key, underWay);
    void answered.then(() => {
      if (this.reads.get(key) === underWay) this.reads.delete(key);
    });
  }

  /** Records were deleted: no entry answers any more. */
  forget() {
    this.entries.clear();
    this.rows = 0;
  }
}

/** One page entry per user, filter (its retention boundary aside, which moves with the clock) and page. */
export function pageKey(userId: string, filter: ActivityFilter, offset: number, limit: number): string {
  const { startDate, endDate, minStatus, maxStatus, method, realmId } = filter;
  return JSON.stringify(['page', userId, startDate, endDate, minStatus, maxStatus, method, realmId, offset, limit]);
}

/** One stats entry per user. */
export const statsKey = (userId: string) => JSON.stringify(['stats', userId]);
