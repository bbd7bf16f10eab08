/**
 * A user's servers, projects and containers on PostgreSQL: provisioning (once per user, decided by the primary key of
 * the user's provisioning row), and what each realm holds.
 */
import type pg from 'pg';
import type { ContainerRecord, ProjectRecord, Provisioning, RealmUsage, SeedData, ServerRecord } from '../types.js';
import type { PgConnection } from './connection.js';
import { toContainer, toProject, toServer } from './rows.js';

/** Each resource table's columns, as the records name them. */
const RESOURCE_COLUMNS = {
  servers: ['id', 'user_id', 'name', 'region', 'tier', 'status', 'realm_id', 'created_at'],
  projects: ['id', 'user_id', 'name', 'is_default', 'realm_id', 'created_at'],
  containers: ['id', 'user_id', 'name', 'project_id', 'server_id', 'realm_id', 'status', 'created_at'],
} as const satisfies { servers: (keyof ServerRecord)[]; projects: (keyof ProjectRecord)[]; containers: (keyof ContainerRecord)[] };

/**
 * Inserts servers, projects and containers, for provisioning and for seeding alike. An id that exists is left as it
 * is: provisioning reaches here only once per user (its own primary key decides), and seeding may run again.
 */
export async function insertResources(client: pg.PoolClient, resources: Pick<SeedData, 'servers' | 'projects' | 'containers'>) {
  for (const [table, columns] of Object.entries(RESOURCE_COLUMNS) as [keyof typeof RESOURCE_COLUMNS, readonly string[]][]) {
    const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
    for (const record of resources[table] ?? []) {
      await client.query(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders}) ON CONFLICT DO NOTHING`,
        columns.map((column) => (record as Record<string, unknown>)[column]),
      );
    }
  }
}

export class PgResources {
  constructor(private readonly db: PgConnection) {}

  async provision(userId: string, create: Provisioning) {
    return this.db.transaction(async (client) => {
      const claimed = await client.query(
        'INSERT INTO provisioning (user_id, server_id, project_id, container_id) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING',
        [userId, create.server.id, create.project.id, create.container.id],
      );
      if (claimed.rowCount === 1) {
        await insertResources(client, { servers: [create.server], projects: [create.project], containers: [create.container] });
        return { provisioning: create, created: true };
      }
      const { rows } = await client.query('SELECT server_id, project_id, container_id FROM provisioning WHERE user_id = $1', [userId]);
      // One connection runs one query at a time.
      const server = await client.query('SELECT * FROM servers WHERE id = $1', [rows[0].server_id]);
      const project = await client.query('SELECT * FROM projects WHERE id = $1', [rows[0].project_id]);
      const container = await client.query('SELECT * FROM containers WHERE id = $1', [rows[0].container_id]);
      return {
        provisioning: { server: toServer(server.rows[0]), project: toProject(project.rows[0]), container: toContainer(container.rows[0]) },
        created: false,
      };
    });
  }

  async realmUsage(userId: string) {
    const { rows } = await this.db.query<{ realm_id: string; kind: keyof RealmUsage; n: string }>(
      `SELECT realm_id, kind, count(*) AS n FROM (
         SELECT realm_id, 'projects' AS kind FROM projects WHERE user_id = $1
         UNION ALL SELECT realm_id, 'containers' FROM containers WHERE user_id = $1
         UNION ALL SELECT realm_id, 'servers' FROM servers WHERE user_id = $1
         UNION ALL SELECT unnest(realm_ids), 'auth_tokens' FROM auth_tokens WHERE user_id = $1
       ) owned WHERE realm_id <> '' GROUP BY realm_id, kind`,
      [userId],
    );
    const usage = new Map<string, RealmUsage>();
    for (const row of rows) {
      const entry = usage.get(row.realm_id) ?? { projects: 0, containers: 0, servers: 0, auth_tokens: 0 };
      entry[row.kind] = Number(row.n);
      usage.set(row.realm_id, entry);
    }
    return usage;
  }
}
