/** Picks the store named by the configuration. */
import { MemoryStore } from './memory/index.js';
import { PostgresStore } from './postgres/index.js';
import type { Store } from './types.js';

export type StoreChoice = { store: 'memory' | 'postgres'; databaseUrl: string | undefined; databaseSchema: string | undefined };

export async function createStore(config: StoreChoice): Promise<Store> {
  if (config.store === 'memory') return new MemoryStore();
  if (!config.databaseUrl) throw new Error('STORE=postgres needs DATABASE_URL (for example postgres://postgres@127.0.0.1:5432/test)');
  return PostgresStore.open({ connectionString: config.databaseUrl, schema: config.databaseSchema });
}
