/**
 * The activity reads as single statements over the rollups (migration 004). A count over a range [lower, upper] sums
 * the whole days inside it from `activity_by_day`, the whole hours of the two edge days, the whole minutes of the
 * two edge hours, and counts the rows of the two edge minutes through the user's time index. So it costs
 * (days in the range) + (hours in two days) + (minutes in two hours) + (rows in two minutes), whatever the user's
 * history; a page costs the buckets it walks plus the rows of the minutes it returns, or of the seconds inside a
 * dense minute (`activity_page`, migrations 004 and 008).
 */
import { Buffer } from 'node:buffer';
import type { ActivityFilter, ActivityRecord } from '../types.js';

/** Positional parameters, numbered as they are added. */
class Parameters {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `lower` inclusive; `upper` inclusive, or exclusive when `upperExclusive`, or none. In milliseconds. */
type Range = { lower: number; upper?: number; upperExclusive?: boolean };

const LEVELS = [
  { table: 'activity_by_day', ms: 86_400_000 },
  { table: 'activity_by_hour', ms: 3_600_000 },
  { table: 'activity_by_minute', ms: 60_000 },
];

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * SQL summing `rollupColumn` over the buckets wholly inside the range, coarsest first, and `rawAggregate` over the
 * rows left at the edges, for the rows matching `dimensions`.
 */
function sumOverRange(
  p: Parameters,
  user: string,
  range: Range,
  dimensions: string,
  rollupColumn: 'records' | 'bytes',
  rawAggregate: string,
  level = 0,
): string[] {
  const bucket = LEVELS[level];
  if (!bucket) {
    const upper = range.upper === undefined ? '' : ` AND created_at ${range.upperExclusive ? '<' : '<='} ${p.add(iso(range.upper))}`;
    return [`(SELECT ${rawAggregate} FROM activity a WHERE user_id = ${user} AND created_at >= ${p.add(iso(range.lower))}${upper}${dimensions})`];
  }
  // Buckets [first, end) lie wholly inside: each starts at or after `lower` and ends at or before `upper`.
  const first = Math.ceil(range.lower / bucket.ms);
  const end = range.upper === undefined ? undefined : Math.floor(range.upper / bucket.ms);
  if (end !== undefined && first >= end) return sumOverRange(p, user, range, dimensions, rollupColumn, rawAggregate, level + 1);
  const whole = `(SELECT coalesce(sum(${rollupColumn}), 0) FROM ${bucket.table} a WHERE user_id = ${user} AND bucket >= ${p.add(first)}${
    end === undefined ? '' : ` AND bucket < ${p.add(end)}`
  }${dimensions})`;
  const parts = [whole];
  if (range.lower < first * bucket.ms) {
    parts.push(
      ...sumOverRange(p, user, { lower: range.lower, upper: first * bucket.ms, upperExclusive: true }, dimensions, rollupColumn, rawAggregate, level + 1),
    );
  }
  const rightEdge = end === undefined ? 0 : range.upper! - end * bucket.ms;
  if (end !== undefined && (rightEdge > 0 || (rightEdge === 0 && !range.upperExclusive))) {
    parts.push(
      ...sumOverRange(
        p,
        user,
        { lower: end * bucket.ms, upper: range.upper, upperExclusive: range.upperExclusive },
        dimensions,
        rollupColumn,
        rawAggregate,
        level + 1,
      ),
    );
  }
  return parts;
}

function countOverRange(p: Parameters, userId: string, range: Range, dimensions: string, rollupColumn: 'records' | 'bytes', rawAggregate: string) {
  return sumOverRange(p, p.add(userId), range, dimensions, rollupColumn, rawAggregate).join(' + ');
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

/** A batch of this process's records a read must count (GroupCommit.unwritten): its last record, and those that match. */
export type HeldBatch = { last: ActivityRecord; matching: ActivityRecord[] };

/**
 * The statement's snapshot, as `snapshot`: with the transaction id each batch write answers (ACTIVITY_INSERT), it
 * tells which of this process's batches written later the answer lacks (activity-read-cache.ts).
 */
const SNAPSHOT = 'pg_current_snapshot()::text AS snapshot';

/** Whether the batch is stored, as `written_<i>`: its last record looked up in the statement's own snapshot. */
const heldProbe = (p: Parameters, { last }: HeldBatch, i: number) => `EXISTS (SELECT 1 FROM activity WHERE id = ${p.add(last.id)}::text) AS written_${i}`;

/**
 * One page and the exact total in one statement. The total comes from the rollups and the edges; the page from an
 * index directly near the top of an unfiltered, errors-only or one-write-method log (`timeIndexCondition`), else
 * from `activity_page` (migrations 004, 008 and 009), which reads only the minutes or seconds the page needs.
 * Answers one row per item, each carrying `total`, or one row with a null `id` when the page is empty.
 *
 * With `held` (records this process has not written when it asks, see unwritten-activity.ts), each batch's probe is
 * looked up in the same snapshot (`written_<i>`), and the rows start `unwritten` rows earlier (the matching records
 * of the batches not found, or fewer at the top): as many as the page needs where those records are all newer than
 * the rows, as they nearly always are (`narrow`), else through the page's end; and up to `before` rows earlier
 * still, so that the answer also holds the page once that many more records are held (activity-read-cache.ts).
 */
export function activityPageStatement(
  userId: string,
  filter: ActivityFilter,
  offset: number,
  limit: number,
  held: HeldBatch[] = [],
  window: 'narrow' | 'wide' = 'narrow',
  before = 0,
) {
  const p = new Parameters();
  const range = rangeOf(filter);
  const dimensions = dimensionsOf(p, filter);
  // A range that ends before it starts counts nothing: no whole bucket, and no row at its edges.
  const total = countOverRange(p, userId, range, dimensions, 'records', 'count(*)');
  const order = 'ORDER BY page.created_at DESC, page.seq DESC';
  if (held.length === 0) {
    const page = pageRows(p, userId, range, filter, dimensions, {
      offset: `${p.add(offset)}::bigint`,
      limit: `${p.add(limit)}::bigint`,
      rowCount: offset + limit,
    });
    return {
      text: `SELECT page.*, counted.total, counted.snapshot FROM (SELECT ${total} AS total, ${SNAPSHOT}) counted LEFT JOIN ${page} page ON true ${order}`,
      values: p.values,
    };
  }
  const probes = held.map((batch, i) => heldProbe(p, batch, i));
  const unwritten = held.map(({ matching }, i) => `CASE WHEN probed.written_${i} THEN 0 ELSE ${p.add(matching.length)}::bigint END`).join(' + ');
  const pageOffset = `${p.add(offset)}::bigint`;
  const pageLimit = `${p.add(limit)}::bigint`;
  // windowStart and narrowWindowRows (unwritten-activity.ts): the page less what the newer unwritten records fill,
  // at least 1; and the rows of `before` that there are ahead of the window's start.
  const start = `greatest(0, ${pageOffset} - counted.unwritten)`;
  const earlier = `least(${p.add(before)}::bigint, ${start})`;
  const rows = {
    offset: `${start} - ${earlier}`,
    limit:
      window === 'narrow'
        ? `greatest(1, ${pageLimit} - least(${pageLimit}, greatest(0, counted.unwritten - ${pageOffset}))) + ${earlier}`
        : `least(${pageOffset}, counted.unwritten) + ${pageLimit} + ${earlier}`,
    rowCount: offset + limit,
  };
  // OFFSET 0 keeps each subquery whole, so that the probes are looked up once, not once per use.
  const text = `SELECT page.*, counted.* FROM (
      SELECT probed.*, ${unwritten} AS unwritten FROM (SELECT ${total} AS total, ${SNAPSHOT}, ${probes.join(', ')} OFFSET 0) probed OFFSET 0
    ) counted
    LEFT JOIN LATERAL ${pageRows(p, userId, range, filter, dimensions, rows)} page ON true ${order}`;
  return { text, values: p.values };
}

/**
 * Whether a record is one `filter` selects: the same conditions as the statements' (the range's ends inclusive).
 * Times compare as strings, all in `Date#toISOString`'s form (a record's own, and the range's ends made so here).
 */
export function activityMatcher(filter: ActivityFilter): (record: ActivityRecord) => boolean {
  const range = rangeOf(filter);
  const lower = iso(range.lower);
  const upper = range.upper === undefined ? undefined : iso(range.upper);
  return (record) =>
    record.created_at >= lower &&
    (upper === undefined || record.created_at <= upper) &&
    (filter.minStatus === undefined || record.status_code >= filter.minStatus) &&
    (filter.maxStatus === undefined || record.status_code <= filter.maxStatus) &&
    (filter.method === undefined || record.method === filter.method) &&
    (filter.realmId === undefined || record.realm_id === filter.realmId);
}

/** Rows of the user's time index, enough for a page near the top (`DIRECT_PAGE_ROWS`), read with no rollup walk. */
const DIRECT_PAGE_ROWS = 1000;

/**
 * The filters whose matching rows an index holds in time order, so that a page near the top is read straight from
 * it: none (activity_by_user_time); `errors_only` alone (activity_errors_by_user_time, migration 010, the rows with
 * status >= 400); one method other than GET alone (activity_writes_by_user_time, migration 011, by method). The
 * literal condition is what lets PostgreSQL use a partial index in a plan made for any parameter values.
 */
function timeIndexCondition(filter: ActivityFilter, dimensions: string): string | undefined {
  if (dimensions === '') return '';
  const { minStatus, maxStatus, method, realmId } = filter;
  if (maxStatus !== undefined || realmId !== undefined) return undefined;
  if (minStatus === 400 && method === undefined) return ` AND status_code >= 400${dimensions}`;
  if (minStatus === undefined && method !== undefined && method !== 'GET') return ` AND method <> 'GET'${dimensions}`;
  return undefined;
}

/** Which rows of the matching ones: SQL for the offset and the count, and where they end at most (a number). */
type Window = { offset: string; limit: string; rowCount: number };

function pageRows(p: Parameters, userId: string, range: Range, filter: ActivityFilter, dimensions: string, window: Window): string {
  // When an index holds exactly the matching rows in time order, a page near the top is its first offset + limit
  // entries. Deeper pages and other filters walk the rollups (activity_page), which bounds what they read.
  const condition = timeIndexCondition(filter, dimensions);
  if (condition !== undefined && window.rowCount <= DIRECT_PAGE_ROWS) {
    const upper = range.upper === undefined ? '' : ` AND created_at <= ${p.add(iso(range.upper))}`;
    return `(SELECT * FROM activity a WHERE user_id = ${p.add(userId)} AND created_at >= ${p.add(iso(range.lower))}${upper}${condition}
      ORDER BY created_at DESC, seq DESC LIMIT ${window.limit} OFFSET ${window.offset})`;
  }
  const typed: [unknown, string][] = [
    [userId, 'text'],
    [iso(range.lower), 'timestamptz'],
    [range.upper === undefined ? null : iso(range.upper), 'timestamptz'],
    [filter.minStatus ?? null, 'integer'],
    [filter.maxStatus ?? null, 'integer'],
    [filter.method ?? null, 'text'],
    [filter.realmId ?? null, 'text'],
  ];
  return `activity_page(${[...typed.map(([value, type]) => `${p.add(value)}::${type}`), window.limit, window.offset].join(', ')})`;
}

/** The columns the store writes, and their types: one array of each per batch. */
export const ACTIVITY_COLUMNS = ['id', 'user_id', 'realm_id', 'method', 'path', 'status_code', 'ip_address', 'user_agent', 'created_at'] as const;
const ACTIVITY_TYPES = ['text', 'text', 'text', 'text', 'text', 'int', 'text', 'text', 'timestamptz'];
/** One multi-row INSERT per batch, each column as an array; it answers its transaction's id, as `transaction`. */
export const ACTIVITY_INSERT = `WITH stored AS (INSERT INTO activity (${ACTIVITY_COLUMNS.join(', ')})
  SELECT * FROM unnest(${ACTIVITY_TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ')}))
  SELECT pg_current_xact_id()::text AS transaction`;

/**
 * activity.getStats in one statement: counts and bytes from the rollups and edges, oldest and newest from the index.
 * With `held` (batches holding records of this process not written when it asks), each batch's probe is looked up
 * in the same snapshot (`written_<i>`), for the caller to add the records of the batches not found.
 */
export function activityStatsStatement(userId: string, since: string, held: HeldBatch[] = []) {
  const p = new Parameters();
  const range = { lower: Date.parse(since) };
  const records = countOverRange(p, userId, range, '', 'records', 'count(*)');
  const bytes = countOverRange(p, userId, range, '', 'bytes', 'coalesce(sum(activity_size(a)), 0)');
  const user = p.add(userId);
  const from = p.add(since);
  const probes = held.map((batch, i) => `, ${heldProbe(p, batch, i)}`);
  const text = `SELECT ${records} AS records, ${bytes} AS bytes,
      (SELECT min(created_at) FROM activity WHERE user_id = ${user} AND created_at >= ${from}) AS oldest,
      (SELECT max(created_at) FROM activity WHERE user_id = ${user} AND created_at >= ${from}) AS newest, ${SNAPSHOT}${probes.join('')}`;
  return { text, values: p.values };
}

const measured = new WeakMap<ActivityRecord, number>();

/**
 * The bytes PostgreSQL's `activity_size` (migration 004) counts for a record once it is stored: the UTF-8 length of
 * `json_build_object(...)::text` over its columns. activity.getStats adds the records this process has not written
 * yet with it, instead of sending them to be measured: under one user's flood of requests (a hundred or more held),
 * sending them cost more than the rest of the statement. PostgreSQL writes `"key" : value` pairs joined by `, `,
 * escapes strings as JSON.stringify does (quote, backslash, control characters; the server's strings hold no lone
 * surrogates), and writes a timestamp as ISO 8601 with its fraction's trailing zeros dropped and the session's UTC
 * offset, six characters for any present-day time zone (`+00:00`, `+05:30`). Checked against the database in
 * test/store/postgres-activity-bytes.test.ts. Measured once per record.
 */
export function activityBytes(record: ActivityRecord): number {
  let bytes = measured.get(record);
  if (bytes === undefined) {
    const fraction = record.created_at.slice(20, 23).replace(/0+$/, '');
    const time = `${record.created_at.slice(0, 19)}${fraction ? `.${fraction}` : ''}+00:00`;
    const json =
      `{"id" : ${JSON.stringify(record.id)}, "user_id" : ${JSON.stringify(record.user_id)}, "realm_id" : ${JSON.stringify(record.realm_id)}, ` +
      `"method" : ${JSON.stringify(record.method)}, "path" : ${JSON.stringify(record.path)}, "status_code" : ${record.status_code}, ` +
      `"ip_address" : ${JSON.stringify(record.ip_address)}, "user_agent" : ${JSON.stringify(record.user_agent)}, "created_at" : "${time}"}`;
    measured.set(record, (bytes = Buffer.byteLength(json, 'utf8')));
  }
  return bytes;
}
