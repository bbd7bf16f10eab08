/** Picks the store named by the configuration. */
import type { Config } from '../config.js';
import { MemoryStore } from './memory/index.js';
import type { Store } from './types.js';

export async function createStore(config: Pick<Config, 'store' | 'databaseUrl'>): Promise<Store> {
  if (config.store === 'memory') return new MemoryStore();
  throw new Error('STORE=postgres is not available yet: the PostgreSQL store is the next milestone (see the README)');
}
