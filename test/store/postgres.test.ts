import { it } from 'vitest';
import { DATABASE_URL, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';
import { runStoreContract } from './contract/index.js';

if (DATABASE_URL) runStoreContract('postgres', () => makePostgresStore());
else it.skip(POSTGRES_SKIP_REASON, () => {});
