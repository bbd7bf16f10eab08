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

/** Inserts servers, projects and containers when seeding. An id that exists is left as it is: seeding may run again. */
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

/** The resources of a user's provisioning row ($1), each as JSON. */
const PROVISIONED = `SELECT to_jsonb(s) AS server, to_jsonb(p) AS project, to_jsonb(c) AS container FROM provisioning v
  JOIN servers s ON s.id = v.server_id JOIN projects p ON p.id = v.project_id JOIN containers c ON c.id = v.container_id
  WHERE v.user_id = $1`;

/** A row of PROVISIONED as records (JSON writes a timestamp in the session's zone: read back through Date). */
function provisioned(row: { server: Record<string, any>; project: Record<string, any>; container: Record<string, any> }): Provisioning {
  const dated = (json: Record<string, any>) => ({ ...json, created_at: new Date(json.created_at) });
  return { server: toServer(dated(row.server)), project: toProject(dated(row.project)), container: toContainer(dated(row.container)) };
}

export class PgResources {
  constructor(private readonly db: PgConnection) {}

  /**
   * One statement, so that retrySetup is one round trip: it claims the user's provisioning row and, only if the claim
   * took, inserts the three resources (all or nothing, as one statement is); else it reads the resources of the row
   * already there. A claim that lost a race to a transaction still running when the statement began waits for it and
   * then finds a row its snapshot cannot see: that one case reads again, in a second statement.
   */
  async provision(userId: string, create: Provisioning) {
    // Parameters: $1 the user, then each resource's columns in RESOURCE_COLUMNS' order (`id` first), which is also
    // the order of the provisioning row's three ids.
    const records = { servers: create.server, projects: create.project, containers: create.container };
    const values: unknown[] = [userId];
    const ids: string[] = [];
    const inserts = Object.entries(RESOURCE_COLUMNS).map(([table, columns]) => {
      const placeholders = columns.map((column) => `$${values.push((records[table as keyof typeof records] as Record<string, unknown>)[column])}`);
      ids.push(placeholders[0]);
      return `new_${table} AS (INSERT INTO ${table} (${columns.join(', ')}) SELECT ${placeholders.join(', ')} FROM claimed ON CONFLICT DO NOTHING)`;
    });
    const { rows } = await this.db.query(
      `WITH claimed AS (
         INSERT INTO provisioning (user_id, server_id, project_id, container_id) VALUES ($1, ${ids.join(', ')})
         ON CONFLICT (user_id) DO NOTHING RETURNING user_id
       ), ${inserts.join(', ')}
       SELECT EXISTS (SELECT 1 FROM claimed) AS created, existing.* FROM (SELECT 1) one LEFT JOIN (${PROVISIONED}) existing ON true`,
      values,
    );
    if (rows[0].created) return { provisioning: create, created: true };
    const [existing] = rows[0].server ? rows : (await this.db.query(PROVISIONED, [userId])).rows;
    return { provisioning: provisioned(existing), created: false };
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
