/**
 * DATABASE_SCHEMA is used as given, whatever the name: capitals, spaces and double quotes included. Before, a
 * capital made the schema be created under one name and searched under its lower-case form (start failed with "no
 * schema has been selected to create in"), and a space broke the connection's startup options.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { demoData } from '../../src/store/demo-data.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { DATABASE_URL, freshSchema, POSTGRES_SKIP_REASON } from '../support/postgres.js';

const jane = DEMO_USERS.jane_roe.id;

describe.skipIf(!DATABASE_URL)('PostgreSQL schema names', () => {
  it('a schema named with capitals, a space and a double quote holds the data, survives a reopen and carries notifications', async () => {
    const schema = `${freshSchema()} Mixed "Case"`;
    const open = () => PostgresStore.open({ connectionString: DATABASE_URL!, schema, maxConnections: 4, idleTimeoutMillis: 500 });
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      const first = await open();
      await first.seed(demoData());
      const at = new Date().toISOString();
      await first.setVault(
        { user_id: jane, realm_id: '', key: 'named', value: 'kept', metadata: null, size_bytes: 4, created_at: at, updated_at: at },
        1_000_000,
      );
      await first.close();

      const { rows } = await admin.query("SELECT to_regclass(format('%I.users', $1::text)) IS NOT NULL AS found FROM pg_namespace WHERE nspname = $1", [
        schema,
      ]);
      expect(rows).toEqual([{ found: true }]);

      const again = await open();
      try {
        expect((await again.getVault(jane, '', 'named'))?.value).toBe('kept');
        // The cached user is forgotten when it changes in SQL: the notification channel is the schema's too.
        expect((await again.getUser(jane))?.alias).toBe('Jane Roe');
        await admin.query(`UPDATE "${schema.replace(/"/g, '""')}".users SET alias = 'Renamed In SQL' WHERE id = $1`, [jane]);
        let alias: string | undefined;
        for (let i = 0; i < 100 && alias !== 'Renamed In SQL'; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          alias = (await again.getUser(jane))?.alias;
        }
        expect(alias).toBe('Renamed In SQL');
      } finally {
        await again.close();
      }
    } finally {
      await admin.end();
    }
  });
});

if (!DATABASE_URL) it.skip(POSTGRES_SKIP_REASON, () => {});
