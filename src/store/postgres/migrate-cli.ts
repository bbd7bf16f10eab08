/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (the server also does at start). */
import pg from 'pg';
import { migrate } from './migrate.js';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  console.error('DATABASE_URL is not set (for example postgres://postgres@127.0.0.1:5432/test)');
  process.exit(1);
}
const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: 5000 });
try {
  const applied = await migrate(pool);
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'no pending migrations');
} catch (failure) {
  console.error(`migration failed: ${(failure as Error).message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
