/**
 * How many PostgreSQL connections a process opens, and whether the database accepts that many from all of the
 * server's processes. A process opens its connections lazily, up to its budget, as load asks for them; a database
 * that refuses one ("too many clients") holds that pool to what it has (connection.ts), or makes the request answer
 * 503 when it has none, so an operator should learn at start, not under load, that `WORKERS` x
 * `DATABASE_MAX_CONNECTIONS` is more than the database takes.
 */

/** The default budget of one process: 10 for writes, 10 for prepared reads, 4 for activity writes, the listener. */
export const DEFAULT_MAX_CONNECTIONS = 25;
/** One connection for each pool and one for the listener. */
export const MIN_MAX_CONNECTIONS = 4;

export type PoolSizes = { main: number; read: number; activity: number; listener: 1 };

/**
 * Splits one process's budget: the listener takes one; the activity writes (one batched statement at a time per
 * flush, so they need few) a sixth of the rest; the main and read pools share what is left, the main pool taking the
 * odd one (transactions hold their connection longer than a read).
 */
export function splitConnections(maxConnections: number): PoolSizes {
  if (!Number.isInteger(maxConnections) || maxConnections < MIN_MAX_CONNECTIONS) {
    throw new Error(`a process needs at least ${MIN_MAX_CONNECTIONS} PostgreSQL connections, not ${maxConnections}`);
  }
  const rest = maxConnections - 1;
  const activity = Math.max(1, Math.round(rest / 6));
  const main = Math.ceil((rest - activity) / 2);
  return { main, read: rest - activity - main, activity, listener: 1 };
}

/** What the database accepts from the server's role, and which setting says so. */
export type DatabaseCapacity = { accepts: number; limitedBy: string };

/**
 * The row of `CAPACITY_QUERY`: a superuser may use every slot but the ones PostgreSQL keeps for itself; anyone else
 * is also held to the superuser-reserved slots, the role's CONNECTION LIMIT and the database's (-1: none).
 */
export type CapacityRow = { max_connections: number; reserved: number; role_limit: number; database_limit: number; superuser: boolean };

export const CAPACITY_QUERY = `SELECT current_setting('max_connections')::int AS max_connections,
    current_setting('superuser_reserved_connections')::int + coalesce(current_setting('reserved_connections', true)::int, 0) AS reserved,
    r.rolconnlimit AS role_limit, d.datconnlimit AS database_limit, r.rolsuper AS superuser
  FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`;

export function capacityOf(row: CapacityRow): DatabaseCapacity {
  if (row.superuser) return { accepts: row.max_connections, limitedBy: 'max_connections' };
  const limits: DatabaseCapacity[] = [{ accepts: row.max_connections - row.reserved, limitedBy: 'max_connections less the reserved connections' }];
  if (row.role_limit >= 0) limits.push({ accepts: row.role_limit, limitedBy: "the role's CONNECTION LIMIT" });
  if (row.database_limit >= 0) limits.push({ accepts: row.database_limit, limitedBy: "the database's CONNECTION LIMIT" });
  return limits.reduce((tightest, each) => (each.accepts < tightest.accepts ? each : tightest));
}

/** The warning to log at start when the server's processes may open more connections than the database accepts. */
export function connectionBudgetWarning(workers: number, maxConnections: number, capacity: DatabaseCapacity): string | undefined {
  const wanted = workers * maxConnections;
  if (wanted <= capacity.accepts) return undefined;
  return (
    `${workers} process(es) x DATABASE_MAX_CONNECTIONS=${maxConnections} may open ${wanted} PostgreSQL connections, but the database ` +
    `accepts ${capacity.accepts} from this role (${capacity.limitedBy}), other clients included: under load, requests past that ` +
    `wait for the connections already open, or answer 503 where none is. Lower DATABASE_MAX_CONNECTIONS or WORKERS, or raise the limit.`
  );
}
