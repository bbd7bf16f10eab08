/** API tokens in the in-memory store: by id, and by digest for authentication. */
import type { TokenChanges, TokenConflict, TokenRecord } from '../types.js';
import { copy, paginate, withChanges } from './records.js';

export class MemoryTokens {
  private tokens = new Map<string, TokenRecord>();
  private tokensByDigest = new Map<string, string>();

  /** Every token of a user, oldest first (for the realms' usage counts). */
  *ofUser(userId: string): Iterable<TokenRecord> {
    for (const token of this.tokens.values()) if (token.user_id === userId) yield token;
  }

  async listTokens(userId: string, page: number, limit: number) {
    const mine = [...this.tokens.values()].filter((t) => t.user_id === userId).reverse();
    return paginate(mine, page, limit);
  }

  async getToken(userId: string, id: string) {
    const token = this.tokens.get(id);
    return token && token.user_id === userId ? token : undefined;
  }

  async findTokenByDigest(digest: string) {
    const id = this.tokensByDigest.get(digest);
    return id ? this.tokens.get(id) : undefined;
  }

  async findTokenByPublicKey(publicKey: string, now: string) {
    return [...this.tokens.values()].find((t) => t.public_key === publicKey && t.is_enabled && (t.expires_at === null || t.expires_at > now));
  }

  private conflict(userId: string, alias: string | undefined, publicKey: string | null | undefined, exceptId?: string): TokenConflict | undefined {
    for (const token of this.tokens.values()) {
      if (token.id === exceptId) continue;
      if (alias !== undefined && token.user_id === userId && token.alias === alias) return 'DUPLICATE_ALIAS';
      if (publicKey && token.public_key === publicKey) return 'PUBLIC_KEY_IN_USE';
    }
    return undefined;
  }

  async createToken(token: Omit<TokenRecord, 'alias'>, aliasCandidates: string[]) {
    if (token.public_key && this.conflict(token.user_id, undefined, token.public_key)) return 'PUBLIC_KEY_IN_USE' as const;
    const alias = aliasCandidates.find((candidate) => !this.conflict(token.user_id, candidate, undefined));
    if (alias === undefined) return 'DUPLICATE_ALIAS' as const;
    const stored: TokenRecord = copy({ ...token, alias });
    this.tokens.set(stored.id, stored);
    this.tokensByDigest.set(stored.token_digest, stored.id);
    return stored;
  }

  async updateToken(userId: string, id: string, changes: TokenChanges, now: string) {
    const token = this.tokens.get(id);
    if (!token || token.user_id !== userId) return undefined;
    const conflict = this.conflict(userId, changes.alias, changes.public_key, id);
    if (conflict) return conflict;
    const next = withChanges(token, { ...changes, updated_at: now });
    this.tokens.set(id, next);
    return next;
  }

  async deleteToken(userId: string, id: string) {
    const token = this.tokens.get(id);
    if (!token || token.user_id !== userId) return false;
    this.tokens.delete(id);
    this.tokensByDigest.delete(token.token_digest);
    return true;
  }

  async addTokenRealm(userId: string, id: string, realmId: string, now: string) {
    const token = this.tokens.get(id);
    if (!token || token.user_id !== userId) return undefined;
    if (!token.realm_ids.includes(realmId)) this.tokens.set(id, withChanges(token, { realm_ids: [...token.realm_ids, realmId], updated_at: now }));
    return this.tokens.get(id)!;
  }

  async removeTokenRealm(userId: string, id: string, realmId: string, now: string, options: { keepOne?: boolean } = {}) {
    const token = this.tokens.get(id);
    if (!token || token.user_id !== userId) return undefined;
    if (options.keepOne && token.realm_ids.length === 1 && token.realm_ids[0] === realmId) return 'LAST_REALM' as const;
    if (token.realm_ids.includes(realmId))
      this.tokens.set(id, withChanges(token, { realm_ids: token.realm_ids.filter((r) => r !== realmId), updated_at: now }));
    return this.tokens.get(id)!;
  }

  async recordTokenUse(id: string, at: string, ip: string) {
    const token = this.tokens.get(id);
    if (token) this.tokens.set(id, Object.freeze({ ...token, last_used_at: at, last_used_ip: ip }));
  }
}
