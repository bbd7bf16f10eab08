/**
 * API tokens on PostgreSQL. Alias and public-key uniqueness are unique constraints mapped to the conflict codes; a
 * realm add or remove is one UPDATE whose WHERE is re-checked after the row lock. Lookups by digest (authentication)
 * come from the principal cache, which a write here forgets at once. A token's last use is group-committed.
 */
import type { TokenChanges, TokenConflict, TokenRecord } from '../types.js';
import type { PgConnection } from './connection.js';
import { GroupCommit } from './group-commit.js';
import type { PrincipalCache } from './principal-cache.js';
import { toToken } from './rows.js';

const TOKEN_COLUMNS =
  'id, user_id, alias, token_digest, public_key, public_storage, ip_whitelist, realm_ids, allow_no_realm, permissions, expires_at, is_enabled, vault_access, event_access, last_used_at, last_used_ip, created_at, updated_at';

function conflictOf(failure: unknown): TokenConflict | undefined {
  const error = failure as { code?: string; constraint?: string };
  if (error?.code !== '23505') return undefined;
  if (error.constraint === 'auth_tokens_alias_unique') return 'DUPLICATE_ALIAS';
  if (error.constraint === 'auth_tokens_public_key_unique') return 'PUBLIC_KEY_IN_USE';
  return undefined;
}

export class PgTokens {
  /**
   * A token's last use, group-committed through the non-waiting connections like the activity log: only the latest
   * per token is written, and never over a later one.
   */
  readonly uses = new GroupCommit<{ id: string; at: string; ip: string }>((batch) => {
    const latest = new Map(batch.map((use) => [use.id, use]));
    const uses = [...latest.values()];
    return this.db.query(
      `UPDATE auth_tokens AS t SET last_used_at = u.at, last_used_ip = u.ip
       FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS u(id, at, ip)
       WHERE t.id = u.id AND (t.last_used_at IS NULL OR t.last_used_at <= u.at)`,
      [uses.map((use) => use.id), uses.map((use) => use.at), uses.map((use) => use.ip)],
      this.db.activityPool,
    );
  });

  constructor(
    private readonly db: PgConnection,
    /** API tokens by digest, for authentication (principal-cache.ts says how fresh they are). */
    private readonly cache: PrincipalCache<TokenRecord>,
  ) {}

  /** Before a read that answers `last_used_*`: the uses of that token (or of any) this process has queued. */
  private async usesWritten(id?: string) {
    await this.uses.written((use) => id === undefined || use.id === id);
  }

  /** After a write to a token: this process forgets it at once (other processes hear the trigger's notification). */
  private written<T>(result: T): T {
    if (result && typeof result === 'object' && 'token_digest' in result) this.cache.forget(String(result.token_digest));
    return result;
  }

  async listTokens(userId: string, page: number, limit: number) {
    await this.usesWritten();
    // One statement: the page and the user's count. An empty page still answers one row, carrying the total.
    const { rows } = await this.db.query(
      `SELECT counted.total, token.* FROM (SELECT count(*) AS total FROM auth_tokens WHERE user_id = $1) counted
       LEFT JOIN LATERAL (SELECT ${TOKEN_COLUMNS}, seq FROM auth_tokens WHERE user_id = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3) token ON true
       ORDER BY token.seq DESC`,
      [userId, limit, (page - 1) * limit],
    );
    return { items: rows.filter((row) => row.id !== null).map(toToken), total: Number(rows[0].total) };
  }

  async getToken(userId: string, id: string) {
    await this.usesWritten(id);
    const { rows } = await this.db.query(`SELECT ${TOKEN_COLUMNS} FROM auth_tokens WHERE id = $1 AND user_id = $2`, [id, userId]);
    return rows[0] && toToken(rows[0]);
  }

  async findTokenByDigest(digest: string) {
    return this.cache.read(digest, async () => {
      const { rows } = await this.db.query(`SELECT ${TOKEN_COLUMNS} FROM auth_tokens WHERE token_digest = $1`, [digest]);
      return rows[0] && toToken(rows[0]);
    });
  }

  async findTokenByPublicKey(publicKey: string, now: string) {
    const { rows } = await this.db.query(
      `SELECT ${TOKEN_COLUMNS} FROM auth_tokens WHERE public_key = $1 AND is_enabled AND (expires_at IS NULL OR expires_at > $2)`,
      [publicKey, now],
    );
    return rows[0] && toToken(rows[0]);
  }

  async createToken(t: Omit<TokenRecord, 'alias'>, aliasCandidates: string[]) {
    // Each candidate is one INSERT; the unique constraint, not a prior read, decides whether the alias is free.
    for (const alias of aliasCandidates) {
      try {
        const { rows } = await this.db.query(
          `INSERT INTO auth_tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING ${TOKEN_COLUMNS}`,
          [
            t.id,
            t.user_id,
            alias,
            t.token_digest,
            t.public_key,
            t.public_storage === null ? null : JSON.stringify(t.public_storage),
            t.ip_whitelist,
            t.realm_ids,
            t.allow_no_realm,
            JSON.stringify(t.permissions),
            t.expires_at,
            t.is_enabled,
            t.vault_access,
            t.event_access,
            t.last_used_at,
            t.last_used_ip,
            t.created_at,
            t.updated_at,
          ],
        );
        return toToken(rows[0]);
      } catch (failure) {
        const conflict = conflictOf(failure);
        if (conflict === 'DUPLICATE_ALIAS') continue;
        if (conflict) return conflict;
        throw failure;
      }
    }
    return 'DUPLICATE_ALIAS' as const;
  }

  async updateToken(userId: string, id: string, changes: TokenChanges, now: string) {
    await this.usesWritten(id);
    const columns = Object.keys(changes) as (keyof TokenChanges)[];
    const values = columns.map((column) => {
      const value = changes[column];
      return (column === 'permissions' || column === 'public_storage') && value !== null ? JSON.stringify(value) : value;
    });
    const sets = [...columns.map((column, i) => `${column} = $${i + 4}`), 'updated_at = $3'];
    try {
      const { rows } = await this.db.query(`UPDATE auth_tokens SET ${sets.join(', ')} WHERE id = $1 AND user_id = $2 RETURNING ${TOKEN_COLUMNS}`, [
        id,
        userId,
        now,
        ...values,
      ]);
      return this.written(rows[0] ? toToken(rows[0]) : undefined);
    } catch (failure) {
      const conflict = conflictOf(failure);
      if (conflict) return conflict;
      throw failure;
    }
  }

  async deleteToken(userId: string, id: string) {
    const { rows } = await this.db.query<{ token_digest: string }>('DELETE FROM auth_tokens WHERE id = $1 AND user_id = $2 RETURNING token_digest', [
      id,
      userId,
    ]);
    this.written(rows[0]);
    return rows.length === 1;
  }

  /** One UPDATE changes the list only when it needs to; its WHERE is re-checked after the row lock. */
  private async changeRealms(userId: string, id: string, change: string, condition: string, realmId: string, now: string) {
    await this.usesWritten(id);
    const { rows } = await this.db.query(
      `UPDATE auth_tokens SET realm_ids = ${change}, updated_at = $4 WHERE id = $1 AND user_id = $2 AND ${condition} RETURNING ${TOKEN_COLUMNS}`,
      [id, userId, realmId, now],
    );
    return rows[0] ? this.written(toToken(rows[0])) : this.getToken(userId, id);
  }

  async addTokenRealm(userId: string, id: string, realmId: string, now: string) {
    return this.changeRealms(userId, id, 'array_append(realm_ids, $3)', 'NOT ($3 = ANY (realm_ids))', realmId, now);
  }

  async removeTokenRealm(userId: string, id: string, realmId: string, now: string, options: { keepOne?: boolean } = {}) {
    const condition = options.keepOne ? '$3 = ANY (realm_ids) AND cardinality(realm_ids) > 1' : '$3 = ANY (realm_ids)';
    const token = await this.changeRealms(userId, id, 'array_remove(realm_ids, $3)', condition, realmId, now);
    // Not changed: the realm was absent (idempotent), or it was the last one and `keepOne` holds it.
    if (options.keepOne && token && token.realm_ids.length === 1 && token.realm_ids[0] === realmId) return 'LAST_REALM' as const;
    return token;
  }

  async recordTokenUse(id: string, at: string, ip: string) {
    this.uses.add({ id, at, ip });
  }
}
