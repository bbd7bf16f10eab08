/** vault.list, vault.get, vault.set, vault.delete, vault.getStats, vault.clear: all in the active realm. */
import { Buffer } from 'node:buffer';
import { apiError } from '../errors.js';
import type { HandlerContext } from './context.js';
import { pageMetadata, presentVaultEntry, presentVaultKey } from './present.js';
import type { Handler } from './types.js';

/** 50 MB per user across all realms (api-decisions.md section 6). */
export const VAULT_LIMIT_BYTES = 52_428_800;
const MIB = 1_048_576;
const round = (value: number, decimals: number) => Number(value.toFixed(decimals));

const notFound = () => apiError('VAULT_KEY_NOT_FOUND');

/** What a key counts toward the limit: its value's UTF-8 bytes plus its metadata's serialized JSON bytes. */
function vaultEntrySize(value: string, metadata: Record<string, unknown> | null | undefined): number {
  return Buffer.byteLength(value, 'utf8') + (metadata == null ? 0 : Buffer.byteLength(JSON.stringify(metadata), 'utf8'));
}

export const list: Handler<'vault.list', HandlerContext> = async ({ query }, { store, caller, realmId }) => {
  const page = query.page ?? 1;
  const limit = query.limit ?? 50;
  const { items, total } = await store.listVault(caller.user.id, realmId, page, limit);
  return {
    status: 200,
    body: { statusCode: 200, message: 'Vault keys retrieved successfully', data: items.map(presentVaultKey), metadata: pageMetadata(total, page, limit) },
  };
};

export const get: Handler<'vault.get', HandlerContext> = async ({ params }, { store, caller, realmId }) => {
  const entry = await store.getVault(caller.user.id, realmId, params.key);
  if (!entry) throw notFound();
  return { status: 200, body: { statusCode: 200, message: 'Vault key retrieved successfully', data: presentVaultEntry(entry) } };
};

export const set: Handler<'vault.set', HandlerContext> = async ({ params, body }, { store, caller, realmId, now }) => {
  const metadata = body.metadata ?? null;
  const at = now.toISOString();
  const result = await store.setVault(
    {
      user_id: caller.user.id,
      realm_id: realmId,
      key: params.key,
      value: body.value,
      metadata,
      size_bytes: vaultEntrySize(body.value, metadata),
      created_at: at,
      updated_at: at,
    },
    VAULT_LIMIT_BYTES,
  );
  if (result === 'VAULT_LIMIT_EXCEEDED') throw apiError('VAULT_LIMIT_EXCEEDED');
  const data = presentVaultEntry(result.entry);
  return result.created
    ? { status: 201, body: { statusCode: 201, message: 'Vault key created successfully', data } }
    : { status: 200, body: { statusCode: 200, message: 'Vault key updated successfully', data } };
};

export const getStats: Handler<'vault.getStats', HandlerContext> = async (_input, { store, caller, realmId }) => {
  const usage = await store.vaultUsage(caller.user.id, realmId);
  return {
    status: 200,
    body: {
      statusCode: 200,
      message: 'Vault statistics retrieved successfully',
      data: {
        total_keys: usage.realmKeys,
        total_size_bytes: usage.realmBytes,
        total_size_mb: round(usage.realmBytes / MIB, 6),
        limit_mb: VAULT_LIMIT_BYTES / MIB,
        used_percentage: round((usage.totalBytes / VAULT_LIMIT_BYTES) * 100, 2),
        remaining_mb: round(Math.max(0, VAULT_LIMIT_BYTES - usage.totalBytes) / MIB, 6),
      },
    },
  };
};

const deleteKey: Handler<'vault.delete', HandlerContext> = async ({ params }, { store, caller, realmId }) => {
  if (!(await store.deleteVault(caller.user.id, realmId, params.key))) throw notFound();
  return { status: 200, body: { statusCode: 200, message: 'Vault key deleted successfully' } };
};
export { deleteKey as delete };

export const clear: Handler<'vault.clear', HandlerContext> = async (_input, { store, caller, realmId }) => {
  const deleted = await store.clearVault(caller.user.id, realmId);
  return { status: 200, body: { statusCode: 200, message: 'Vault cleared successfully', data: { deleted_count: deleted } } };
};
