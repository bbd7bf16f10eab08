/**
 * The activity reads as single statements over the hourly rollups (migration 004). A range [lower, upper] is cut
 * into its whole hours, summed from `activity_rollup`, and the hour at each edge, counted from the rows through
 * the user's time index. So a count costs (hours in the range) + (rows in two hours), whatever the user's history;
 * a page costs the hours in the range plus the rows of the hours it spans (`activity_page` in the migration).
 */
import type { ActivityFilter } from '../types.js';

const HOUR_MS = 3_600_000;

/** Positional parameters, numbered as they are added. */
class Parameters {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

type Range = { lower: number; upper?: number };

/** The edges: the first and last hour of the range, and the whole hours between them. */
function hoursOf({ lower, upper }: Range) {
  const firstHour = Math.floor(lower / HOUR_MS);
  const lastHour = upper === undefined ? undefined : Math.floor(upper / HOUR_MS);
  return { firstHour, lastHour, firstHourEnd: (firstHour + 1) * HOUR_MS };
}

/**
 * `SELECT sum(<rollup column>)` plus `<raw aggregate>` over the edges, for the rows matching `dimensions`. When the
 * range lies inside one hour, all of it is an edge and no rollup row is read.
 */
function countOverRange(p: Parameters, userId: string, range: Range, dimensions: string, rollupColumn: 'records' | 'bytes', rawAggregate: string) {
  const { firstHour, lastHour, firstHourEnd } = hoursOf(range);
  const user = p.add(userId);
  const rollups = `SELECT coalesce(sum(${rollupColumn}), 0) FROM activity_rollup a WHERE user_id = ${user} AND hour > ${p.add(firstHour)}${
    lastHour === undefined ? '' : ` AND hour < ${p.add(lastHour)}`
  }${dimensions}`;
  const upper = range.upper === undefined ? '' : ` AND created_at <= ${p.add(new Date(range.upper).toISOString())}`;
  const firstEdge = `SELECT ${rawAggregate} FROM activity a WHERE user_id = ${user} AND created_at >= ${p.add(new Date(range.lower).toISOString())} AND created_at < ${p.add(
    new Date(firstHourEnd).toISOString(),
  )}${upper}${dimensions}`;
  const lastEdge =
    lastHour !== undefined && lastHour > firstHour
      ? ` + (SELECT ${rawAggregate} FROM activity a WHERE user_id = ${user} AND created_at >= ${p.add(new Date(lastHour * HOUR_MS).toISOString())}${upper}${dimensions})`
      : '';
  return `(${rollups}) + (${firstEdge})${lastEdge}`;
}

/** The filter's dimensions (status, method, realm), which both the rows and the rollups carry. */
function dimensionsOf(p: Parameters, filter: ActivityFilter): string {
  const clauses: string[] = [];
  if (filter.minStatus !== undefined) clauses.push(`status_code >= ${p.add(filter.minStatus)}::integer`);
  if (filter.maxStatus !== undefined) clauses.push(`status_code <= ${p.add(filter.maxStatus)}::integer`);
  if (filter.method !== undefined) clauses.push(`method = ${p.add(filter.method)}::text`);
  if (filter.realmId !== undefined) clauses.push(`realm_id = ${p.add(filter.realmId)}::text`);
  return clauses.map((clause) => ` AND ${clause}`).join('');
}

function rangeOf(filter: ActivityFilter): Range {
  const lower = Math.max(Date.parse(filter.since), filter.startDate === undefined ? -Infinity : Date.parse(filter.startDate));
  return { lower, upper: filter.endDate === undefined ? undefined : Date.parse(filter.endDate) };
}

/**
 * One page and the exact total in one statement. The page is `activity_page` (migration 004), which reads only the
 * hours the page needs; the total comes from the rollups and the edges. Answers one row per item, each carrying
 * `total`, or one row with a null `id` when the page is empty.
 */
export function activityPageStatement(userId: string, filter: ActivityFilter, page: number, limit: number) {
  const p = new Parameters();
  const range = rangeOf(filter);
  const dimensions = dimensionsOf(p, filter);
  // A range that ends before it starts counts nothing: no whole hour and an empty edge.
  const total = countOverRange(p, userId, range, dimensions, 'records', 'count(*)');
  const pageArguments = [
    userId,
    new Date(range.lower).toISOString(),
    range.upper === undefined ? null : new Date(range.upper).toISOString(),
    filter.minStatus ?? null,
    filter.maxStatus ?? null,
    filter.method ?? null,
    filter.realmId ?? null,
    limit,
    (page - 1) * limit,
  ].map((value) => p.add(value));
  const types = ['text', 'timestamptz', 'timestamptz', 'integer', 'integer', 'text', 'text', 'bigint', 'bigint'];
  const text = `SELECT page.*, counted.total FROM (SELECT ${total} AS total) counted
    LEFT JOIN activity_page(${pageArguments.map((parameter, i) => `${parameter}::${types[i]}`).join(', ')}) page ON true
    ORDER BY page.created_at DESC, page.seq DESC`;
  return { text, values: p.values };
}

/** activity.getStats in one statement: counts and bytes from the rollups and edges, oldest and newest from the index. */
export function activityStatsStatement(userId: string, since: string) {
  const p = new Parameters();
  const range = { lower: Date.parse(since) };
  const records = countOverRange(p, userId, range, '', 'records', 'count(*)');
  const bytes = countOverRange(p, userId, range, '', 'bytes', 'coalesce(sum(activity_size(a)), 0)');
  const user = p.add(userId);
  const from = p.add(since);
  const text = `SELECT ${records} AS records, ${bytes} AS bytes,
      (SELECT min(created_at) FROM activity WHERE user_id = ${user} AND created_at >= ${from}) AS oldest,
      (SELECT max(created_at) FROM activity WHERE user_id = ${user} AND created_at >= ${from}) AS newest`;
  return { text, values: p.values };
}
