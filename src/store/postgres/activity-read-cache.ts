/**
 * What recent activity reads answered (a page's stored rows, a user's stats), kept for a moment so that the same read
 * asked again soon (a dashboard that polls, several tabs, a client paging back) is answered without a statement.
 * What the database holds of a user's log changes only when a batch of this process's records is written, when
 * another process writes its own, or when rows expire or are deleted; this process's records not written yet are
 * added at each answer (unwritten-activity.ts), so a kept answer still shows every request of this process up to
 * the last.
 *
 * When an entry stops being used:
 * - this process starts or finishes writing a batch of records (`writeMoved`): the snapshot then no longer tells
 *   which batches it holds;
 * - this process deletes records (retention): `forget`;
 * - after `entryMs` (`ENTRY_MS` unless the store is told otherwise), for what other processes write and delete:
 *   their records reach a page or the stats at most that much later than they would without the cache (they are
 *   already up to one flush interval late, group-commit.ts);
 * - the retention boundary of the read moved by more than `entryMs`, or back (a clock set by a test). Within it, a
 *   stored record up to `entryMs` past the 30 days may still be counted.
 *
 * While `version` is unchanged, each batch this process holds is the one it was when the statement was sent, or a
 * queue that no write has taken since: so whether the snapshot holds a batch is what the statement answered for the
 * batch's last record, and a batch whose last record the statement did not look up is not in it.
 */
import type { ActivityFilter } from '../types.js';
import { FLUSH_INTERVAL_MS } from './group-commit.js';
import type { StoredWindow } from './unwritten-activity.js';

/** How long an entry answers by default: as long as another process holds its records before writing them. */
export const ENTRY_MS = FLUSH_INTERVAL_MS;
/** Entries kept at most (the oldest go first): about 1 MB of records at a page of 50. */
const MAX_ENTRIES = 500;

/** What a statement answered, with whether its snapshot held each batch it looked up (by the batch's last record). */
export type Kept = { written: Map<string, boolean> };
export type CachedWindow = StoredWindow & Kept;
export type CachedStats = { records: number; bytes: number; oldest: string | null; newest: string | null } & Kept;
type Entry = { kept: Kept; version: number; readAt: number; since: number };
/** When a statement was sent: a window it reads is kept only if no write started or ended before it answered. */
export type Ticket = { version: number; sentAt: number };

export class ActivityReadCache {
  private entries = new Map<string, Entry>();
  private reads = new Map<string, { version: number; answered: Promise<void> }>();
  /** Moves whenever a write of this process's records starts or ends. */
  private version = 0;

  constructor(
    /** How long an entry answers; 0: none is kept. */
    private readonly entryMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** What was read for `key` (a page, or a user's stats), while it still answers it (see the file's comment). */
  find<Answer extends Kept>(key: string, since: string): Answer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const sinceMoved = Date.parse(since) - entry.since;
    if (entry.version !== this.version || this.clock() - entry.readAt > this.entryMs || sinceMoved < 0 || sinceMoved > this.entryMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.kept as Answer;
  }

  /** Taken just before a statement is sent. */
  ticket(): Ticket {
    return { version: this.version, sentAt: this.clock() };
  }

  /** Keeps what a statement sent with `ticket` read, unless a write started or ended while it ran. */
  keep(key: string, since: string, kept: Kept, { version, sentAt }: Ticket) {
    if (version !== this.version || this.entryMs <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { kept, version, readAt: sentAt, since: Date.parse(since) });
  }

  /**
   * A read of `key` already sent at the ticket's version, to wait for instead of sending another: under load, every
   * request that came between a write's start or end and the first answer after it would otherwise read it itself
   * (with 50 connections, about as many reads as a flush interval has requests). Once it answers, the waiter looks
   * again; the answer is kept unless a write moved meanwhile.
   */
  readUnderWay(key: string, { version }: Ticket): Promise<unknown> | undefined {
    const read = this.reads.get(key);
    return read?.version === version ? read.answered : undefined;
  }

  /** `read` is the read of `key`, sent with `ticket`, until it answers. */
  reading(key: string, { version }: Ticket, read: Promise<unknown>) {
    const answered = read.then(
      () => undefined,
      () => undefined,
    );
    this.reads.set(key, { version, answered });
    void answered.then(() => {
      if (this.reads.get(key)?.answered === answered) this.reads.delete(key);
    });
  }

  /** A write of this process's records started or ended. */
  writeMoved() {
    this.version += 1;
  }

  /** Records were deleted: no entry answers any more. */
  forget() {
    this.entries.clear();
  }
}

/** One page entry per user, filter (its retention boundary aside, which moves with the clock) and page. */
export function pageKey(userId: string, filter: ActivityFilter, offset: number, limit: number): string {
  const { startDate, endDate, minStatus, maxStatus, method, realmId } = filter;
  return JSON.stringify(['page', userId, startDate, endDate, minStatus, maxStatus, method, realmId, offset, limit]);
}

/** One stats entry per user. */
export const statsKey = (userId: string) => JSON.stringify(['stats', userId]);
