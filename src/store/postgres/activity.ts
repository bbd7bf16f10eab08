/**
 * The activity log on PostgreSQL. Records are group-committed (group-commit.ts says what it keeps and what a crash
 * can lose) through the non-waiting connections; counts come from rollups kept by triggers (migration 004,
 * activity-sql.ts); a read does not write this process's held records first, it reads beside them
 * (unwritten-activity.ts).
 */
import type { ActivityFilter, ActivityRecord, Page } from '../types.js';
import { ActivityPageCache, pageKey, type CachedWindow } from './activity-page-cache.js';
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

/** The records of `groups` that `window`'s snapshot does not hold. */
const unwrittenIn = (window: CachedWindow, groups: HeldBatch[]) =>
  groups.filter((group) => !window.written.get(group.last.id)).flatMap((group) => group.matching);

export class PgActivity {
  /** The stored rows behind recent pages (activity-page-cache.ts), told when a write of records starts and ends. */
  private readonly pages: ActivityPageCache;
  /** The records this process holds, written in batches (group-commit.ts). */
  readonly writes = new GroupCommit<ActivityRecord>((batch) => {
    this.pages.writeMoved();
    return this.db
      .query(
        ACTIVITY_INSERT,
        ACTIVITY_COLUMNS.map((column) => batch.map((record) => record[column])),
        this.db.activityPool,
      )
      .finally(() => this.pages.writeMoved());
  });

  constructor(
    private readonly db: PgConnection,
    pagesMs: number,
  ) {
    this.pages = new ActivityPageCache(pagesMs);
  }

  async appendActivity(e: ActivityRecord) {
    this.writes.add(e);
  }

  /**
   * One statement, or none while a window read for this page shortly before still answers it (activity-page-cache.ts):
   * the page, and its exact total from the day, hour and minute rollups (activity-sql.ts). The user's records this
   * process holds unwritten are not written first: the statement tells which of their batches its snapshot holds and
   * moves the page up by the records of the others, which are put in their places (unwritten-activity.ts).
   */
  async listActivity(userId: string, filter: ActivityFilter, page: number, limit: number): Promise<Page<ActivityRecord>> {
    const offset = (page - 1) * limit;
    const key = pageKey(userId, filter, offset, limit);
    const kept = this.keptPage(key, userId, filter, offset, limit);
    if (kept) return kept;
    // The same page read for another request a moment ago: its window answers unless a write moved meanwhile. Only
    // a page near the top waits for it (`nearTop`).
    const underWay = nearTop(offset, limit) ? this.pages.readUnderWay(key, this.pages.ticket()) : undefined;
    if (underWay) {
      await underWay;
      const keptSince = this.keptPage(key, userId, filter, offset, limit);
      if (keptSince) return keptSince;
    }
    // The narrow window nearly always holds the page. Where it does not (records older than the rows the page needs
    // from it: another process's clock, or its records written meanwhile), a second statement reads the rows through
    // the page's end.
    for (const window of ['narrow', 'wide'] as const) {
      // Taken together, with no await between: the window is kept only if no write moved these batches meanwhile.
      const ticket = this.pages.ticket();
      const groups = this.heldActivity(userId, filter);
      const read = this.readWindow(userId, filter, offset, limit, groups, window);
      if (window === 'narrow') this.pages.reading(key, ticket, read);
      const stored = await read;
      this.pages.keep(key, filter.since, stored, ticket);
      const answer = pageFromWindow(stored, unwrittenIn(stored, groups), offset, limit);
      if (answer) return answer;
    }
    throw new Error("an activity window through the page's end did not hold the page");
  }

  /** The page from the window kept for it, where one still answers it (activity-page-cache.ts). */
  private keptPage(key: string, userId: string, filter: ActivityFilter, offset: number, limit: number) {
    const kept = this.pages.find(key, filter.since);
    return kept && pageFromWindow(kept, unwrittenIn(kept, this.heldActivity(userId, filter)), offset, limit);
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
   * One statement, like a page: the user's records this process holds unwritten are not written first; those of the
   * batches the statement's snapshot lacks are added, their bytes counted as the database counts a stored row's
   * (`activityBytes`), so none of them is sent.
   */
  async activityStats(userId: string, since: string) {
    const groups = this.heldActivity(userId, { since });
    const { text, values } = activityStatsStatement(userId, since, groups);
    const { rows } = await this.db.read(text, values);
    const row = rows[0];
    const stats = { totalRecords: Number(row.records), totalSizeBytes: Number(row.bytes), oldest: iso(row.oldest), newest: iso(row.newest) };
    groups.forEach((group, i) => {
      if (row[`written_${i}`]) return;
      stats.totalRecords += group.matching.length;
      for (const record of group.matching) {
        stats.totalSizeBytes += activityBytes(record);
        if (stats.oldest === null || record.created_at < stats.oldest) stats.oldest = record.created_at;
        if (stats.newest === null || record.created_at > stats.newest) stats.newest = record.created_at;
      }
    });
    return stats;
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
    if (rowCount) this.pages.forget();
    return rowCount ?? 0;
  }
}
