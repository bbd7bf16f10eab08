/**
 * The activity log on PostgreSQL. Records are group-committed (group-commit.ts says what it keeps and what a crash
 * can lose) through the non-waiting connections; counts come from rollups kept by triggers (migration 004,
 * activity-sql.ts); a read does not write this process's held records first, it reads beside them
 * (unwritten-activity.ts).
 */
import type { ActivityFilter, ActivityRecord, Page } from '../types.js';
import { ACTIVITY_COLUMNS, ACTIVITY_INSERT, activityBytes, activityMatcher, activityPageStatement, activityStatsStatement } from './activity-sql.js';
import type { PgConnection } from './connection.js';
import { GroupCommit } from './group-commit.js';
import { iso, toActivity } from './rows.js';
import { narrowWindowHolds, pageWithUnwritten } from './unwritten-activity.js';

export class PgActivity {
  /** The records this process holds, written in batches (group-commit.ts). */
  readonly writes = new GroupCommit<ActivityRecord>((batch) =>
    this.db.query(
      ACTIVITY_INSERT,
      ACTIVITY_COLUMNS.map((column) => batch.map((record) => record[column])),
      this.db.activityPool,
    ),
  );

  constructor(private readonly db: PgConnection) {}

  async appendActivity(e: ActivityRecord) {
    this.writes.add(e);
  }

  /**
   * One statement: the page, and its exact total from the day, hour and minute rollups (activity-sql.ts). The user's
   * records this process holds unwritten are not written first: the statement tells which of their batches its
   * snapshot holds and moves the page up by the records of the others, which are put in their places
   * (unwritten-activity.ts).
   */
  async listActivity(userId: string, filter: ActivityFilter, page: number, limit: number): Promise<Page<ActivityRecord>> {
    const groups = this.heldActivity(userId, filter);
    const offset = (page - 1) * limit;
    const readWindow = async (window: 'narrow' | 'wide') => {
      const { text, values } = activityPageStatement(userId, filter, offset, limit, groups, window);
      const { rows } = await this.db.read(text, values);
      const stored = rows.filter((row) => row.id !== null).map(toActivity);
      const unwritten = groups.filter((_, i) => !rows[0][`written_${i}`]).flatMap((group) => group.matching);
      return { stored, storedTotal: Number(rows[0].total), unwritten };
    };
    const narrow = await readWindow('narrow');
    if (groups.length === 0) return { items: narrow.stored, total: narrow.storedTotal };
    // Records older than the rows the page needs from the window (another process's clock, or its records written
    // meanwhile) need the rows through the page's end: a second statement, which looks for the batches again.
    const holds = narrowWindowHolds(narrow.stored, narrow.unwritten, offset, limit);
    const { stored, storedTotal, unwritten } = holds ? narrow : await readWindow('wide');
    return pageWithUnwritten(stored, storedTotal, unwritten, offset, limit);
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
    return rowCount ?? 0;
  }
}
