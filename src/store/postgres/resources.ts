/** A user's servers, projects and containers on PostgreSQL: provisioning, and what each realm holds. */
import type pg from 'pg';
import type { Provisioning, RealmUsage, SeedData } from '../types.js';
import type { PgConnection } from './connection.js';
import { toContainer, toProject, toServer } from './rows.js';

/**
 * Inserts servers, projects and containers, for provisioning and for seeding alike. An id that exists is left as it
 * is: provisioning reaches here only once per user (its own primary key decides), and seeding may run again.
 */
export async function insertResources(client: pg.PoolClient, resources: Pick<SeedData, 'servers' | 'projects' | 'containers'>) {
  for (const s of resources.servers ?? []) {
    await client.query('INSERT INTO servers VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING', [
      s.id,
      s.user_id,
      s.name,
      s.region,
      s.tier,
      s.status,
      s.realm_id,
      s.created_at,
    ]);
  }
  for (const p of resources.projects ?? []) {
    await client.query('INSERT INTO projects VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING', [
      p.id,
      p.user_id,
      p.name,
      p.is_default,
      p.realm_id,
      p.created_at,
    ]);
  }
  for (const c of resources.containers ?? []) {
    await client.query('INSERT INTO containers VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING', [
      c.id,
      c.user_id,
      c.name,
      c.project_id,
      c.server_id,
      c.realm_id,
      c.status,
      c.created_at,
    ]);
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
