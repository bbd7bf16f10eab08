/** Picks the store named by the configuration. */
import { MemoryStore } from './memory/index.js';
import { connectionBudgetWarning } from './postgres/connection-budget.js';
import { PostgresStore } from './postgres/index.js';
import type { Store } from './types.js';

export type StoreChoice = {
  store: 'memory' | 'postgres';
  databaseUrl: string | undefined;
  databaseSchema: string | undefined;
  /** PostgreSQL: the most connections one process opens. */
  databaseMaxConnections?: number;
  /** PostgreSQL: milliseconds a statement may wait for a lock, and run in all, before it gives up (0: no limit). */
  databaseLockTimeoutMs?: number;
  databaseStatementTimeoutMs?: number;
  /** Server processes, each opening its own connections. */
  workers?: number;
};

/** `warn`: told when the server's processes may open more PostgreSQL connections than the database accepts. */
export async function createStore(config: StoreChoice, options: { warn?: (message: string) => void } = {}): Promise<Store> {
  if (config.store === 'memory') return new MemoryStore();
  if (!config.databaseUrl) throw new Error('STORE=postgres needs DATABASE_URL (for example postgres://postgres@127.0.0.1:5432/test)');
  const store = await PostgresStore.open({
    connectionString: config.databaseUrl,
    schema: config.databaseSchema,
    maxConnections: config.databaseMaxConnections,
    lockTimeoutMs: config.databaseLockTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
  });
  const warning = connectionBudgetWarning(config.workers ?? 1, store.maxConnections, store.databaseCapacity);
  if (warning) options.warn?.(warning);
  return store;
}
