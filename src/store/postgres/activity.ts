/**
 * The activity log on PostgreSQL. Records are group-committed (group-commit.ts says what it keeps and what a crash
 * can lose) through the non-waiting connections; counts come from rollups kept by triggers (migration 004,
 * activity-sql.ts); a read does not write this process's held records first, it reads beside them
 * (unwritten-activity.ts).
 */
import { shared } from '../record-texts.js';
import type { ActivityFilter, ActivityRecord, Page } from '../types.js';
import {
  ActivityReadCache,
  pageKey,
  parseSnapshot,
  seenBy,
  statsKey,
  type CachedStats,
  type CachedWindow,
  type Kept as KeptRead,
} from './activity-read-cache.js';
import {
  ACTIVITY_COLUMNS,
  ACTIVITY_INSERT,
  activityBytes,
  activityMatcher,
  activityPageStatement,
  activityStatsStatement,
  type HeldBatch,
} from './activity-sql.js';
import type { PgConnection } from './connection.js';
import { GroupCommit } from './group-commit.js';
import { iso, toActivity } from './rows.js';
import { appendInTimeOrder, byTime, heldRuns, narrowWindowRows, pageFromWindow, windowStart } from './unwritten-activity.js';

/**
 * What a read statement's row tells of this process's records: its snapshot, and whether that snapshot holds each
 * batch it looked up (`written_<i>`, by the batch's last record).
 */
const snapshotOf = (row: Record<string, unknown>, groups: HeldBatch[]) => ({
  snapshot: parseSnapshot(row.snapshot as string),
  written: new Map(groups.map((group, i) => [group.last.id, row[`written_${i}`] === true])),
});

/**
 * Whether the snapshot of a statement that looked up `written` (the held groups' last records) holds `batch`, written
 * in one statement: by its last record, or by any other record looked up that it holds. A batch written after the
 * read was sent takes the whole queue, so it holds the queue's group the read looked up and the records that came
 * since, and its last record was not looked up; where a looked-up record is in it, its snapshot holds all of it or
 * none. Undefined where none of its records was looked up.
 */
function probedIn(written: Map<string, boolean>, batch: readonly ActivityRecord[]): boolean | undefined {
  const byLast = written.get(batch[batch.length - 1].id);
  if (byLast !== undefined || written.size === 0) return byLast;
  for (const record of batch) {
    const found = written.get(record.id);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The records of `groups` that the snapshot of a statement that looked them up does not hold, as runs. */
const unwrittenIn = (written: Map<string, boolean>, groups: HeldBatch[]) =>
  groups.filter((group) => !written.get(group.last.id)).map((group) => group.matching);

/** Adds records to `stats`, their bytes counted as the database counts a stored row's (order does not matter). */
function addRecords(stats: StoredStats, records: readonly ActivityRecord[]) {
  for (const record of records) {
    stats.records += 1;
    stats.bytes += activityBytes(record);
    if (stats.oldest === null || record.created_at < stats.oldest) stats.oldest = record.created_at;
    if (stats.newest === null || record.created_at > stats.newest) stats.newest = record.created_at;
  }
}

/** Adds the sums of other records to `stats`. */
function addStats(stats: StoredStats, more: StoredStats) {
  stats.records += more.records;
  stats.bytes += more.bytes;
  if (more.oldest !== null && (stats.oldest === null || more.oldest < stats.oldest)) stats.oldest = more.oldest;
  if (more.newest !== null && (stats.newest === null || more.newest > stats.newest)) stats.newest = more.newest;
}

/** The stats of the stored records with the `unwritten` records, and the sums of those already added up, added. */
function statsWith(stored: StoredStats, unwritten: (readonly ActivityRecord[])[], ...sums: StoredStats[]) {
  const stats = { records: stored.records, bytes: stored.bytes, oldest: stored.oldest, newest: stored.newest };
  for (const more of sums) addStats(stats, more);
  for (const run of unwritten) addRecords(stats, run);
  return { totalRecords: stats.records, totalSizeBytes: stats.bytes, oldest: stats.oldest, newest: stats.newest };
}

const noRecords = (): StoredStats => ({ records: 0, bytes: 0, oldest: null, newest: null });

/**
 * The most rows a page's window starts early by for the records held (`readWindow`): two full batches. More are held
 * only while the database refuses writes, and then a page read taking them all would be the largest of all.
 */
const MAX_HELD_MARGIN = 1000;

/** Reads under way a request waits for, one after another, before it sends its own (`afterReadsUnderWay`). */
const MAX_WAITS = 3;

type StoredStats = { records: number; bytes: number; oldest: string | null; newest: string | null };

/**
 * What the answers from one kept read carry from one to the next (`unwrittenSince`): what they took of this
 * process's records that its snapshot lacks (of the batches written since the read, the batch in flight, the queue's
 * arrivals so far), for a page in time order, for the stats as sums. Each record is then looked at once for a kept
 * read, not again at each answer: under one client's flood of requests, each answer from a kept page looked at the
 * 600 or so records that came since the read (27 µs of about 100 µs a page, measured). A kept read answers requests
 * whose retention boundaries lie within twice an entry's time of each other (activity-read-cache.ts), and so do its
 * carried records.
 */
type Carried = {
  /** The last written batch looked at, by its place among the writes that succeeded (GroupCommit.succeeded). */
  through: number;
  written: Taken;
  /**
   * The batch in flight, looked at once while it is in flight, and its records taken again once it is written; and
   * whether the read's snapshot holds it (`probedIn`).
   */
  inFlight: { batch: readonly ActivityRecord[]; taken: Taken; found: boolean | undefined } | undefined;
  /** The queue, followed by its arrivals (GroupCommit.arrived): how many were looked at. */
  queued: { arrived: readonly ActivityRecord[]; seen: number; taken: Taken } | undefined;
};
/** Records `selects` took: for a page in time order, for the stats their sums. */
type Taken = { records: ActivityRecord[]; sums: StoredStats };
const nothingTaken = (): Taken => ({ records: [], sums: noRecords() });
/** Adds what was taken of later records to `into`. */
function joinTaken(into: Taken, later: Taken) {
  appendInTimeOrder(into.records, later.records);
  addStats(into.sums, later.sums);
}
/** What `unwrittenSince` finds, in arrival order: of the batches written since the read, in flight, queued. */
type Unwritten = [written: Taken, inFlight: Taken, queued: Taken];
/** What a read statement answers, before `readAndKeep` adds when it was sent and answered. */
type Read<Kept extends KeptRead> = Omit<Kept, 'succeededBefore' | 'startedBeforeAnswer'>;

export class PgActivity {
  /** What recent pages and stats read (activity-read-cache.ts). */
  private readonly readCache: ActivityReadCache;
  /** The records this process holds, written in batches (group-commit.ts), each answering its transaction's id. */
  readonly writes: GroupCommit<ActivityRecord, number>;
  /** What each kept read's answers carry (`Carried`), dropped with the read. */
  private readonly carried = new WeakMap<KeptRead, Carried>();

  constructor(
    private readonly db: PgConnection,
    readCacheMs: number,
  ) {
    this.readCache = new ActivityReadCache(readCacheMs);
    // The batches written lately stay known as long as a kept read answers, to add those its snapshot lacks.
    this.writes = new GroupCommit(
      async (batch) => {
        const { rows } = await this.db.query(
          ACTIVITY_INSERT,
          ACTIVITY_COLUMNS.map((column) => batch.map((record) => record[column])),
          this.db.activityPool,
        );
        return Number(rows[0].transaction);
      },
      { keepWrittenMs: this.readCache.longestAnswerMs, order: byTime },
    );
  }

  async appendActivity(e: ActivityRecord) {
    // Shown on this user's pages from now until some read after its write holds it (record-texts.ts).
    this.writes.add(shared(e));
  }

  /**
   * One statement, or none while what was read for this page shortly before still answers it (activity-read-cache.ts):
   * the page, and its exact total from the day, hour and minute rollups (activity-sql.ts). The user's records this
   * process holds unwritten are not written first: the statement tells which of their batches its snapshot holds and
   * moves the page up by the records of the others, which are put in their places (unwritten-activity.ts).
   */
  async listActivity(userId: string, filter: ActivityFilter, page: number, limit: number): Promise<Page<ActivityRecord>> {
    const offset = (page - 1) * limit;
    const key = pageKey(userId, filter, offset, limit);
    const selects = this.selects(userId, filter);
    return this.keptOrRead(
      key,
      filter.since,
      (kept: CachedWindow) => {
        const unwritten = this.unwrittenSince(kept, selects, 'page');
        return unwritten && pageFromWindow(kept, heldRuns(unwritten.map((taken) => taken.records)), offset, limit);
      },
      () => this.readPage(key, userId, filter, offset, limit, selects),
    );
  }

  /**
   * The page read afresh. The narrow window nearly always holds it. Where it does not (records older than the rows
   * the page needs from it: another process's clock, or its records written meanwhile), a second statement reads the
   * rows through the page's end.
   */
  private async readPage(key: string, userId: string, filter: ActivityFilter, offset: number, limit: number, selects: (record: ActivityRecord) => boolean) {
    for (const window of ['narrow', 'wide'] as const) {
      const { kept, groups } = await this.readAndKeep(key, filter.since, selects, window === 'narrow', (groups) =>
        this.readWindow(userId, filter, offset, limit, groups, window),
      );
      const answer = pageFromWindow(kept, heldRuns(unwrittenIn(kept.written, groups)), offset, limit);
      if (answer) return answer;
    }
    throw new Error("an activity window through the page's end did not hold the page");
  }

  /**
   * This process's records `selects` takes that the snapshot of `kept` lacks, in arrival order: those of the batches
   * written after it (told by their transaction ids), those in flight that it did not find, those queued. Each
   * is carried from one answer of `kept` to the next (`Carried`), taken as `kind` needs them. Undefined where that
   * cannot be told: a batch sent while the statement ran that holds none of the records its probes looked up, still
   * in flight.
   */
  private unwrittenSince(kept: KeptRead, selects: (record: ActivityRecord) => boolean, kind: 'page' | 'stats'): Unwritten | undefined {
    let carried = this.carried.get(kept);
    if (carried === undefined) {
      carried = { through: kept.succeededBefore, written: nothingTaken(), inFlight: undefined, queued: undefined };
      this.carried.set(kept, carried);
    }
    // Records in time order, those `selects` takes, as `kind` needs them.
    const take = (into: Taken, records: readonly ActivityRecord[]) => {
      const matching = records.filter(selects);
      if (kind === 'page') appendInTimeOrder(into.records, matching);
      else addRecords(into.sums, matching);
    };
    const takeBatch = (batch: readonly ActivityRecord[]) => {
      const taken = nothingTaken();
      take(taken, batch);
      return taken;
    };
    for (const batch of this.writes.writtenFrom(carried.through + 1)) {
      carried.through = batch.ordinal;
      if (seenBy(kept.snapshot, batch.receipt)) continue;
      joinTaken(carried.written, carried.inFlight?.batch === batch.items ? carried.inFlight.taken : takeBatch(batch.items));
    }
    let inFlight = nothingTaken();
    const writing = this.writes.writing;
    if (writing.length > 0) {
      if (carried.inFlight?.batch !== writing) carried.inFlight = { batch: writing, taken: takeBatch(writing), found: probedIn(kept.written, writing) };
      const { taken, found } = carried.inFlight;
      if (taken.records.length > 0 || taken.sums.records > 0) {
        if (this.writes.started > kept.startedBeforeAnswer || found === false) inFlight = taken;
        else if (found === undefined) return undefined;
      }
    }
    const arrived = this.writes.arrived;
    if (carried.queued?.arrived !== arrived) carried.queued = { arrived, seen: 0, taken: nothingTaken() };
    const queued = carried.queued;
    if (queued.seen < arrived.length) {
      take(queued.taken, arrived.slice(queued.seen).sort(byTime));
      queued.seen = arrived.length;
    }
    return [carried.written, inFlight, queued.taken];
  }

  /**
   * What `answer` makes of the read kept for `key`, while one is kept and it holds the answer (one past its life
   * sends the read again for the requests to come, activity-read-cache.ts); else the same once the same read,
   * already under way for another request, answers; else what `read` (a fresh read of `key`) answers.
   */
  private keptOrRead<Kept extends KeptRead, Answer>(
    key: string,
    since: string,
    answer: (kept: Kept) => Answer | undefined,
    read: () => Promise<Answer>,
  ): Answer | Promise<Answer> {
    const askedAt = this.readCache.now();
    const underWay = () => this.readCache.readUnderWay(key, askedAt);
    const found = this.readCache.find<Kept>(key, since, askedAt);
    if (found?.stale && underWay() === undefined) {
      // Sent again for the requests to come; this one is answered from the entry where it can be. A read that fails
      // fails for them: past the entry's end they read themselves.
      read().catch(() => undefined);
    }
    const now = found && answer(found.kept);
    if (now) return now;
    const fromKept = () => {
      const kept = this.readCache.find<Kept>(key, since, askedAt);
      return kept && !kept.stale ? answer(kept.kept) : undefined;
    };
    const first = underWay();
    return first ? this.afterReadsUnderWay(first, underWay, fromKept, read) : read();
  }

  /**
   * Waits for the read under way, and answers from it. Where it does not hold the answer (a page's window outrun by
   * the records that came while it was read, or a batch it cannot tell), waits for the next read under way instead
   * of sending one more, up to `MAX_WAITS` reads; where none is under way, reads: the first waiter to find that
   * starts it before the others look, and they wait for it. Otherwise, with the database slow, every request that
   * waited would read at once, and make it slower.
   */
  private async afterReadsUnderWay<Answer>(
    first: Promise<void>,
    underWay: () => Promise<void> | undefined,
    fromKept: () => Answer | undefined,
    read: () => Promise<Answer>,
  ): Promise<Answer> {
    let awaited = first;
    for (let waits = 1; ; waits += 1) {
      await awaited;
      const now = fromKept();
      if (now) return now;
      const next = underWay();
      if (next === undefined || next === awaited || waits >= MAX_WAITS) return read();
      awaited = next;
    }
  }

  /**
   * Sends `read` with the batches held now, and keeps its answer for `key` (activity-read-cache.ts), with how many
   * batch writes had succeeded when it was sent and started when it answered; marks it as the read under way for
   * `key` where others may wait for it.
   */
  private async readAndKeep<Kept extends KeptRead>(
    key: string,
    since: string,
    selects: (record: ActivityRecord) => boolean,
    othersMayWait: boolean,
    read: (groups: HeldBatch[]) => Promise<Read<Kept>>,
  ): Promise<{ kept: Kept; groups: HeldBatch[] }> {
    // Taken together, with no await between.
    const sentAt = this.readCache.now();
    const succeededBefore = this.writes.succeeded;
    const groups = this.writes.unwritten(selects);
    const answer = read(groups);
    if (othersMayWait) this.readCache.reading(key, answer, sentAt);
    const kept = { ...(await answer), succeededBefore, startedBeforeAnswer: this.writes.started } as Kept;
    this.readCache.keep(key, since, kept, sentAt);
    return { kept, groups };
  }

  /**
   * The stored rows a page needs, in one statement. With batches held, the window starts early where there are rows
   * there: asked again soon, after more of this process's records came, the page needs rows that much earlier. By two
   * pages, and as many rows again as this process holds of the page's records: under one client's flood about as
   * many come while the read is kept (a flush interval's, or two), and with two pages only, a deep page's window was
   * outrun about every 13 ms. Page 400 under the flood, one after another, 3 rounds: 8.0-8.5k req/s against 7.1-7.5k,
   * p99 17-20 ms against 17-18, 22 reads a second of 560-740 rows (6-9 ms each) against 75 of 150 (3-6 ms).
   */
  private async readWindow(
    userId: string,
    filter: ActivityFilter,
    offset: number,
    limit: number,
    groups: HeldBatch[],
    window: 'narrow' | 'wide',
  ): Promise<Read<CachedWindow>> {
    const held = groups.reduce((count, group) => count + group.matching.length, 0);
    const before = groups.length > 0 ? 2 * limit + Math.min(held, MAX_HELD_MARGIN) : 0;
    const { text, values } = activityPageStatement(userId, filter, offset, limit, groups, window, before);
    const { rows } = await this.db.read(text, values);
    const seen = snapshotOf(rows[0], groups);
    const unwrittenCount = unwrittenIn(seen.written, groups).reduce((count, run) => count + run.length, 0);
    // What the statement asked for (activityPageStatement): fewer rows than that, and the log ends inside them.
    const start = groups.length === 0 ? offset : windowStart(offset, unwrittenCount);
    const earlier = Math.min(before, start);
    const pageRows = groups.length === 0 || window === 'narrow' ? narrowWindowRows(offset, limit, unwrittenCount) : Math.min(offset, unwrittenCount) + limit;
    const stored = rows.filter((row) => row.id !== null).map((row) => shared(toActivity(row)));
    return {
      start: start - earlier,
      rows: stored,
      complete: stored.length < pageRows + earlier,
      storedTotal: Number(rows[0].total),
      ...seen,
    };
  }

  /**
   * One statement, or none while what was read shortly before still answers (activity-read-cache.ts), like a page:
   * the user's records this process holds unwritten are not written first; those of the batches the statement's
   * snapshot lacks are added, their bytes counted as the database counts a stored row's (`activityBytes`), so none of
   * them is sent.
   */
  async activityStats(userId: string, since: string) {
    const key = statsKey(userId);
    const selects = this.selects(userId, { since });
    return this.keptOrRead(
      key,
      since,
      (kept: CachedStats) => {
        const unwritten = this.unwrittenSince(kept, selects, 'stats');
        return unwritten && statsWith(kept, [], ...unwritten.map((taken) => taken.sums));
      },
      () => this.readStats(key, userId, since, selects),
    );
  }

  /** The stats read afresh: the stored records' from the rollups, and the held records the snapshot lacks added. */
  private async readStats(key: string, userId: string, since: string, selects: (record: ActivityRecord) => boolean) {
    const { kept, groups } = await this.readAndKeep(key, since, selects, true, async (groups): Promise<Read<CachedStats>> => {
      const { text, values } = activityStatsStatement(userId, since, groups);
      const { rows } = await this.db.read(text, values);
      const row = rows[0];
      return { records: Number(row.records), bytes: Number(row.bytes), oldest: iso(row.oldest), newest: iso(row.newest), ...snapshotOf(row, groups) };
    });
    return statsWith(kept, unwrittenIn(kept.written, groups));
  }

  /** Whether a record is the user's and `filter` selects it. */
  private selects(userId: string, filter: ActivityFilter) {
    const matches = activityMatcher(filter);
    return (record: ActivityRecord) => record.user_id === userId && matches(record);
  }

  /** Writes every activity record this process holds (for tests and tools that read the tables themselves). */
  async writeHeldActivity() {
    await this.writes.flush();
  }

  async purgeActivity(before: string, batchSize: number) {
    await this.writes.flush();
    // The users with expired rows come from the day rollups; each user's rows are then found through its time index.
    const { rowCount } = await this.db.query(
      `DELETE FROM activity WHERE id IN (
         SELECT a.id FROM activity a
         WHERE a.user_id IN (SELECT DISTINCT user_id FROM activity_by_day WHERE bucket <= activity_bucket($1::timestamptz, 86400))
           AND a.created_at < $1
         LIMIT $2)`,
      [before, batchSize],
    );
    if (rowCount) this.readCache.forget();
    return rowCount ?? 0;
  }
}
