/**
 * The activity log on PostgreSQL. Records are group-committed (group-commit.ts says what it keeps and what a crash
 * can lose) through the non-waiting connections; counts come from rollups kept by triggers (migration 004,
 * activity-sql.ts); a read does not write this process's held records first, it reads beside them
 * (unwritten-activity.ts).
 */
import type { ActivityFilter, ActivityRecord, Page } from '../types.js';
import { ActivityReadCache, pageKey, statsKey, type CachedStats, type CachedWindow, type Kept as KeptRead } from './activity-read-cache.js';
import {
  ACTIVITY_COLUMNS,
  ACTIVITY_INSERT,
  activityBytes,
  DIRECT_PAGE_ROWS,
  activityMatcher,
  activityPageStatement,
  activityStatsStatement,
  type HeldBatch,
} from './activity-sql.js';
import type { PgConnection } from './connection.js';
import { GroupCommit } from './group-commit.js';
import { iso, toActivity } from './rows.js';
import { narrowWindowRows, pageFromWindow, windowStart } from './unwritten-activity.js';

/**
 * Whether a page is near the top of the log, read straight from a time index in a moment, where keeping its window
 * pays. A deeper page's read takes long enough under load that a write nearly always starts or ends meanwhile, so its
 * window is seldom kept: the requests that waited for it then read again after all, and the rows read early for
 * later requests are read for nothing. Page 400 of a million rows measured p99 170-250 ms with both, against
 * 90-140 ms without (bench/README.md).
 */
const nearTop = (offset: number, limit: number) => offset + limit <= DIRECT_PAGE_ROWS;

/** The records of `groups` that the snapshot of `kept` does not hold. */
const unwrittenIn = (kept: KeptRead, groups: HeldBatch[]) => groups.filter((group) => !kept.written.get(group.last.id)).flatMap((group) => group.matching);

/** The stats of the stored records with the records of `groups` that the snapshot of `stored` does not hold. */
function statsWithHeld(stored: CachedStats, groups: HeldBatch[]) {
  const stats = { totalRecords: stored.records, totalSizeBytes: stored.bytes, oldest: stored.oldest, newest: stored.newest };
  for (const record of unwrittenIn(stored, groups)) {
    stats.totalRecords += 1;
    stats.totalSizeBytes += activityBytes(record);
    if (stats.oldest === null || record.created_at < stats.oldest) stats.oldest = record.created_at;
    if (stats.newest === null || record.created_at > stats.newest) stats.newest = record.created_at;
  }
  return stats;
}

export class PgActivity {
  /** What recent pages and stats read (activity-read-cache.ts), told when a write of records starts and ends. */
  private readonly readCache: ActivityReadCache;
  /** The records this process holds, written in batches (group-commit.ts). */
  readonly writes = new GroupCommit<ActivityRecord>((batch) => {
    this.readCache.writeMoved();
    return this.db
      .query(
        ACTIVITY_INSERT,
        ACTIVITY_COLUMNS.map((column) => batch.map((record) => record[column])),
        this.db.activityPool,
      )
      .finally(() => this.readCache.writeMoved());
  });

  constructor(
    private readonly db: PgConnection,
    keptReadsMs: number,
  ) {
    this.readCache = new ActivityReadCache(keptReadsMs);
  }

  async appendActivity(e: ActivityRecord) {
    this.writes.add(e);
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
    const held = () => this.heldActivity(userId, filter);
    const kept = this.keptAnswer(key, filter.since, nearTop(offset, limit), (kept: CachedWindow) =>
      pageFromWindow(kept, unwrittenIn(kept, held()), offset, limit),
    );
    const fromKept = kept instanceof Promise ? await kept : kept;
    if (fromKept) return fromKept;
    // The narrow window nearly always holds the page. Where it does not (records older than the rows the page needs
    // from it: another process's clock, or its records written meanwhile), a second statement reads the rows through
    // the page's end.
    for (const window of ['narrow', 'wide'] as const) {
      const { kept, groups } = await this.readAndKeep(key, filter.since, held, window === 'narrow', (groups) =>
        this.readWindow(userId, filter, offset, limit, groups, window),
      );
      const answer = pageFromWindow(kept, unwrittenIn(kept, groups), offset, limit);
      if (answer) return answer;
    }
    throw new Error("an activity window through the page's end did not hold the page");
  }

  /**
   * What `answer` makes of the read kept for `key` with the records held now, while one is kept and it holds the
   * answer; else, where `mayWait`, the same once the same read, already under way for another request, answers.
   * Undefined at once where neither, with no await: the caller's own read must be under way before another request
   * looks.
   */
  private keptAnswer<Kept extends KeptRead, Answer>(
    key: string,
    since: string,
    mayWait: boolean,
    answer: (kept: Kept) => Answer | undefined,
  ): Answer | Promise<Answer | undefined> | undefined {
    const kept = this.readCache.find<Kept>(key, since);
    const now = kept && answer(kept);
    if (now) return now;
    const underWay = mayWait ? this.readCache.readUnderWay(key, this.readCache.ticket()) : undefined;
    return underWay?.then(() => {
      const keptSince = this.readCache.find<Kept>(key, since);
      return keptSince && answer(keptSince);
    });
  }

  /**
   * Sends `read` with the records held now, and keeps its answer for `key` (activity-read-cache.ts); marks it as the
   * read under way for `key` where others may wait for it.
   */
  private async readAndKeep<Kept extends KeptRead>(
    key: string,
    since: string,
    held: () => HeldBatch[],
    othersMayWait: boolean,
    read: (groups: HeldBatch[]) => Promise<Kept>,
  ): Promise<{ kept: Kept; groups: HeldBatch[] }> {
    // Taken together, with no await between: the answer is kept only if no write moved these batches meanwhile.
    const ticket = this.readCache.ticket();
    const groups = held();
    const answer = read(groups);
    if (othersMayWait) this.readCache.reading(key, ticket, answer);
    const kept = await answer;
    this.readCache.keep(key, since, kept, ticket);
    return { kept, groups };
  }

  /**
   * The stored rows a page needs, in one statement. With batches held, a page near the top starts two pages early
   * where there are rows there: asked again soon, after more of this process's records came, it needs rows that much
   * earlier (a flush interval's records of one busy client fit).
   */
  private async readWindow(
    userId: string,
    filter: ActivityFilter,
    offset: number,
    limit: number,
    groups: HeldBatch[],
    window: 'narrow' | 'wide',
  ): Promise<CachedWindow> {
    const before = groups.length > 0 && nearTop(offset, limit) ? 2 * limit : 0;
    const { text, values } = activityPageStatement(userId, filter, offset, limit, groups, window, before);
    const { rows } = await this.db.read(text, values);
    const written = new Map(groups.map((group, i) => [group.last.id, rows[0][`written_${i}`] === true]));
    const unwrittenCount = groups.reduce((count, group) => (written.get(group.last.id) ? count : count + group.matching.length), 0);
    // What the statement asked for (activityPageStatement): fewer rows than that, and the log ends inside them.
    const start = groups.length === 0 ? offset : windowStart(offset, unwrittenCount);
    const earlier = Math.min(before, start);
    const pageRows = groups.length === 0 || window === 'narrow' ? narrowWindowRows(offset, limit, unwrittenCount) : Math.min(offset, unwrittenCount) + limit;
    const stored = rows.filter((row) => row.id !== null).map(toActivity);
    return { start: start - earlier, rows: stored, complete: stored.length < pageRows + earlier, storedTotal: Number(rows[0].total), written };
  }

  /**
   * One statement, or none while what was read shortly before still answers (activity-read-cache.ts), like a page:
   * the user's records this process holds unwritten are not written first; those of the batches the statement's
   * snapshot lacks are added, their bytes counted as the database counts a stored row's (`activityBytes`), so none of
   * them is sent.
   */
  async activityStats(userId: string, since: string) {
    const key = statsKey(userId);
    const held = () => this.heldActivity(userId, { since });
    const keptStats = this.keptAnswer(key, since, true, (kept: CachedStats) => statsWithHeld(kept, held()));
    const fromKept = keptStats instanceof Promise ? await keptStats : keptStats;
    if (fromKept) return fromKept;
    const { kept, groups } = await this.readAndKeep(key, since, held, true, async (groups) => {
      const { text, values } = activityStatsStatement(userId, since, groups);
      const { rows } = await this.db.read(text, values);
      const row = rows[0];
      const written = new Map(groups.map((group, i) => [group.last.id, row[`written_${i}`] === true]));
      return { records: Number(row.records), bytes: Number(row.bytes), oldest: iso(row.oldest), newest: iso(row.newest), written };
    });
    return statsWithHeld(kept, groups);
  }

  /** The user's records `filter` selects that this process holds and the database may not have (GroupCommit.unwritten). */
  private heldActivity(userId: string, filter: ActivityFilter) {
    const matches = activityMatcher(filter);
    return this.writes.unwritten((record) => record.user_id === userId && matches(record));
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
