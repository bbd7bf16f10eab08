/**
 * Users on PostgreSQL: the cached lookup authentication makes, profile writes, and the OTP replay guard (one
 * conditional UPDATE of the last accepted step, so a code is accepted once even under concurrent requests).
 */
import type { UserChanges, UserRecord } from '../types.js';
import type { PgConnection } from './connection.js';
import type { PrincipalCache } from './principal-cache.js';
import { toUser } from './rows.js';

export class PgUsers {
  constructor(
    private readonly db: PgConnection,
    /** Users by id, for authentication (principal-cache.ts says how fresh they are). */
    private readonly cache: PrincipalCache<UserRecord>,
  ) {}

  async getUser(id: string) {
    return this.cache.read(id, async () => {
      const { rows } = await this.db.query('SELECT * FROM users WHERE id = $1', [id]);
      return rows[0] && toUser(rows[0]);
    });
  }

  async updateUser(id: string, changes: UserChanges, now: string, guard: { expectedPasswordHash?: string } = {}) {
    try {
      return await this.updateUserRow(id, changes, now, guard);
    } finally {
      this.cache.forget(id);
    }
  }

  private async updateUserRow(id: string, changes: UserChanges, now: string, guard: { expectedPasswordHash?: string }) {
    const columns = Object.keys(changes) as (keyof UserChanges)[];
    const sets = columns.map((column, i) => `${column} = $${i + 4}`);
    const values = columns.map((column) => (column === 'metadata' ? JSON.stringify(changes[column]) : changes[column]));
    try {
      const { rows } = await this.db.query(
        `UPDATE users SET ${[...sets, 'updated_at = $3'].join(', ')} WHERE id = $1 AND ($2::text IS NULL OR password_hash = $2) RETURNING *`,
        [id, guard.expectedPasswordHash ?? null, now, ...values],
      );
      if (rows[0]) return toUser(rows[0]);
    } catch (failure) {
      if ((failure as { constraint?: string }).constraint === 'users_admin_not_banned') return 'CANNOT_BAN_ADMIN' as const;
      throw failure;
    }
    return (await this.getUser(id)) ? ('PASSWORD_CHANGED' as const) : undefined;
  }

  async consumeOtpStep(userId: string, step: number) {
    const { rowCount } = await this.db.query('UPDATE users SET otp_last_step = $2 WHERE id = $1 AND (otp_last_step IS NULL OR otp_last_step < $2)', [
      userId,
      step,
    ]);
    return rowCount === 1;
  }
}
