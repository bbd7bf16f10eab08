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
import { GroupCommit, mergeInOrder } from './group-commit.js';
import { iso, toActivity } from './rows.js';
import { byTime, narrowWindowRows, pageFromWindow, windowStart } from './unwritten-activity.js';

/**
 * What a read statement's row tells of this process's records: its snapshot, and whether that snapshot holds each
 * batch it looked up (`written_<i>`, by the batch's last record).
 */
const snapshotOf = (row: Record<string, unknown>, groups: HeldBatch[]) => ({
  snapshot: parseSnapshot(row.snapshot as string),
  written: new Map(groups.map((group, i) => [group.last.id, row[`written_${i}`] === true])),
});

/**
 * Runs of held records, each in time order (the order GroupCommit keeps them in) and in arrival order one after
 * another, merged into time order with arrival order at each instant (what pageWithUnwritten takes without a sort).
 */
const inTimeOrder = (runs: Iterable<readonly ActivityRecord[]>) => {
  const records: ActivityRecord[] = [];
  for (const run of runs) {
    // Runs overlap only near their edges (a request that started before another's finished after it): only the
    // records from the first place the run's first record goes are merged with it.
    let from = records.length;
    while (from > 0 && run.length > 0 && byTime(run[0], records[from - 1]) < 0) from -= 1;
    for (const record of mergeInOrder(records.splice(from), run, byTime)) records.push(record);
  }
  return records;
};

/** The records of `groups` that the snapshot of a statement that looked them up does not hold, as runs. */
const unwrittenIn = (written: Map<string, boolean>, groups: HeldBatch[]) =>
  groups.filter((group) => !written.get(group.last.id)).map((group) => group.matching);

/** The stats of the stored records with the `unwritten` records added (order does not matter to them). */
function statsWith(stored: StoredStats, unwritten: (readonly ActivityRecord[])[]) {
  const stats = { totalRecords: stored.records, totalSizeBytes: stored.bytes, oldest: stored.oldest, newest: stored.newest };
  for (const run of unwritten) {
    for (const record of run) {
      stats.totalRecords += 1;
      stats.totalSizeBytes += activityBytes(record);
      if (stats.oldest === null || record.created_at < stats.oldest) stats.oldest = record.created_at;
      if (stats.newest === null || record.created_at > stats.newest) stats.newest = record.created_at;
    }
  }
  return stats;
}

/** Reads under way a request waits for, one after another, before it sends its own (`afterReadsUnderWay`). */
const MAX_WAITS = 3;

type StoredStats = { records: number; bytes: number; oldest: string | null; newest: string | null };
/** What a read statement answers, before `readAndKeep` adds when it was sent and answered. */
type Read<Kept extends KeptRead> = Omit<Kept, 'succeededBefore' | 'startedBeforeAnswer'>;

export class PgActivity {
  /** What recent pages and stats read (activity-read-cache.ts). */
  private readonly readCache: ActivityReadCache;
  /** The records this process holds, written in batches (group-commit.ts), each answering its transaction's id. */
  readonly writes: GroupCommit<ActivityRecord, number>;

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
      { keepWrittenMs: readCacheMs, order: byTime },
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
        const unwritten = this.unwrittenSince(kept, selects);
        return unwritten && pageFromWindow(kept, inTimeOrder(unwritten), offset, limit);
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
      const answer = pageFromWindow(kept, inTimeOrder(unwrittenIn(kept.written, groups)), offset, limit);
      if (answer) return answer;
    }
    throw new Error("an activity window through the page's end did not hold the page");
  }

  /**
   * This process's records `selects` takes that the snapshot of `kept` lacks, as runs in arrival order, each in time
   * order (`inTimeOrder` merges them): those written after it (told by their transaction ids), those in flight that
   * it did not find, and those queued. Undefined where that cannot be told: a batch sent while the statement ran and
   * not found by its probes, still in flight.
   */
  private unwrittenSince(kept: KeptRead, selects: (record: ActivityRecord) => boolean): ActivityRecord[][] | undefined {
    const runs: ActivityRecord[][] = [];
    for (const batch of this.writes.writtenFrom(kept.succeededBefore + 1)) {
      if (!seenBy(kept.snapshot, batch.receipt)) runs.push(batch.items.filter(selects));
    }
    const writing = this.writes.writing;
    const inFlight = writing.filter(selects);
    if (inFlight.length > 0) {
      const found = kept.written.get(writing[writing.length - 1].id);
      if (this.writes.started > kept.startedBeforeAnswer || found === false) runs.push(inFlight);
      else if (found === undefined) return undefined;
    }
    runs.push(this.writes.queued.filter(selects));
    return runs;
  }

  /**
   * What `answer` makes of the read kept for `key`, while one is kept and it holds the answer; else the same once the
   * same read, already under way for another request, answers; else what `read` (a fresh read of `key`) answers.
   */
  private keptOrRead<Kept extends KeptRead, Answer>(
    key: string,
    since: string,
    answer: (kept: Kept) => Answer | undefined,
    read: () => Promise<Answer>,
  ): Answer | Promise<Answer> {
    const askedAt = this.readCache.now();
    const fromKept = () => {
      const kept = this.readCache.find<Kept>(key, since, askedAt);
      return kept && answer(kept);
    };
    const now = fromKept();
    if (now) return now;
    const underWay = () => this.readCache.readUnderWay(key, askedAt);
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
   * The stored rows a page needs, in one statement. With batches held, the window starts two pages early where there
   * are rows there: asked again soon, after more of this process's records came, the page needs rows that much
   * earlier (a flush interval's records of one busy client fit).
   */
  private async readWindow(
    userId: string,
    filter: ActivityFilter,
    offset: number,
    limit: number,
    groups: HeldBatch[],
    window: 'narrow' | 'wide',
  ): Promise<Read<CachedWindow>> {
    const before = groups.length > 0 ? 2 * limit : 0;
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
        const unwritten = this.unwrittenSince(kept, selects);
        return unwritten && statsWith(kept, unwritten);
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
