import { it } from 'vitest';
import { DATABASE_URL, makePostgresStore, POSTGRES_SKIP_REASON } from '../support/postgres.js';
import { runStoreContract } from './contract.js';

if (DATABASE_URL) runStoreContract('postgres', () => makePostgresStore());
else it.skip(POSTGRES_SKIP_REASON, () => {});
