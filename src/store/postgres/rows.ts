/** Database rows -> the store's domain records. Rows never leave this folder. */
import type { ActivityRecord, ContainerRecord, ProjectRecord, ServerRecord, TokenRecord, UserRecord, VaultRecord } from '../types.js';

type Row = Record<string, any>;
/** A timestamptz column: already an ISO string from every pool (connection.ts); a Date where a caller made one. */
export const iso = (value: Date | string | null): string | null => (value === null || typeof value === 'string' ? value : value.toISOString());

export function toUser(row: Row): UserRecord {
  return {
    id: row.id,
    username: row.username,
    alias: row.alias,
    email: row.email,
    public_key: row.public_key,
    is_admin: row.is_admin,
    is_banned: row.is_banned,
    metadata: row.metadata,
    password_hash: row.password_hash,
    totp_secret: row.totp_secret,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

export function toToken(row: Row): TokenRecord {
  return {
    id: row.id,
    user_id: row.user_id,
    alias: row.alias,
    token_digest: row.token_digest,
    public_key: row.public_key,
    public_storage: row.public_storage,
    ip_whitelist: row.ip_whitelist,
    realm_ids: row.realm_ids,
    allow_no_realm: row.allow_no_realm,
    permissions: row.permissions,
    expires_at: iso(row.expires_at),
    is_enabled: row.is_enabled,
    vault_access: row.vault_access,
    event_access: row.event_access,
    last_used_at: iso(row.last_used_at),
    last_used_ip: row.last_used_ip,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

export function toActivity(row: Row): ActivityRecord {
  return {
    id: row.id,
    user_id: row.user_id,
    realm_id: row.realm_id,
    method: row.method,
    path: row.path,
    status_code: row.status_code,
    ip_address: row.ip_address,
    user_agent: row.user_agent,
    created_at: iso(row.created_at)!,
  };
}

export function toVault(row: Row): VaultRecord {
  return {
    user_id: row.user_id,
    realm_id: row.realm_id,
    key: row.key,
    value: row.value,
    metadata: row.metadata,
    size_bytes: Number(row.size_bytes),
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

export function toServer(row: Row): ServerRecord {
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    region: row.region,
    tier: row.tier,
    status: row.status,
    realm_id: row.realm_id,
    created_at: iso(row.created_at)!,
  };
}

export function toProject(row: Row): ProjectRecord {
  return { id: row.id, user_id: row.user_id, name: row.name, is_default: row.is_default, realm_id: row.realm_id, created_at: iso(row.created_at)! };
}

export function toContainer(row: Row): ContainerRecord {
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    project_id: row.project_id,
    server_id: row.server_id,
    realm_id: row.realm_id,
    status: row.status,
    created_at: iso(row.created_at)!,
  };
}
