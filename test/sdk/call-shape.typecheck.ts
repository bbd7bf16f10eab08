/**
 * Type-level tests of the SDK, checked by `npm run typecheck` (part of `npm test`) and never executed: one call per
 * operation in the seeds' shape, and `@ts-expect-error` on calls that must not compile, so the typing is proven
 * both ways.
 */
import { createHoodyClient, HoodyTransportError, type ErrorCode, type TransportErrorCode } from '@hoody/sdk';

const client = createHoodyClient({ baseUrl: 'http://localhost:3000', token: 'hdy_x' });
const id = '507f1f77bcf86cd799439011';
const realm_id = '507f1f77bcf86cd799439012';
const public_key = 'a1b2c3d4e5f6789012345678901234567890abcdefabcdefabcdefabcdef1234';

export async function everyOperation() {
  const { data: user, error } = await client.api.users.get({ id });
  if (user) user.data.email satisfies string;
  if (error instanceof HoodyTransportError) error.code satisfies TransportErrorCode;
  else if (error)
    error.code satisfies
      | 'INVALID_ID_FORMAT'
      | 'VALIDATION_ERROR'
      | 'MISSING_TOKEN'
      | 'INVALID_TOKEN'
      | 'TOKEN_EXPIRED'
      | 'UNAUTHORIZED'
      | 'INSUFFICIENT_PERMISSIONS'
      | 'ACCOUNT_BANNED'
      | 'IP_NOT_ALLOWED'
      | 'REALM_NOT_ALLOWED'
      | 'REALM_SCOPE_REQUIRED'
      | 'USER_NOT_FOUND'
      | 'RATE_LIMITED'
      | 'INTERNAL_ERROR'
      | 'SERVICE_UNAVAILABLE';
  await client.api.users.update({ id, data: { alias: 'John Smith' } });
  await client.api.users.retrySetup({ data: { region: 'us-east-1' } });
  await client.api.users.retrySetup();
  const { data: all } = await client.api.activity.listIterator({ limit: 50, errors_only: 'true' });
  all?.[0]?.status_code satisfies number | undefined;
  await client.api.activity.list({ page: 2, method: 'GET', realm_id });
  await client.api.activity.getStats();
  await client.api.vault.list({ realm_id });
  await client.api.vault.listIterator();
  await client.api.vault.get({ key: 'api-keys' });
  await client.api.vault.set({ key: 'api-keys', data: { value: '...', metadata: {} }, realm_id });
  await client.api.vault.delete({ key: 'api-keys' });
  await client.api.vault.getStats({ realm_id });
  await client.api.vault.clear();
  await client.api.realms.list({ include_usage: true });
  await client.api.authTokens.list();
  for await (const token of client.api.authTokens.listIterator()) token.alias satisfies string;
  const { data: created } = await client.api.authTokens.create({ data: { alias: 'CI', ip_whitelist: '10.0.0.1', expires_at: 'tomorrow' } });
  created?.data.token satisfies string | undefined;
  await client.api.authTokens.getCurrent();
  await client.api.authTokens.getPublicProfile({ public_key });
  await client.api.authTokens.get({ id });
  await client.api.authTokens.update({ id, data: { is_enabled: false, expires_at: null } });
  await client.api.authTokens.delete({ id });
  await client.api.authTokens.addRealm({ id, data: { realm_id } });
  await client.api.authTokens.copy({ id, data: { alias: 'Copy' } });
  await client.api.authTokens.copy({ id });
  await client.api.authTokens.removeRealm({ id, data: { realm_id } });
  await client.api.authTokens.updatePublicProfile({ data: { public_key, public_storage: null } });
}

export async function wrongCalls() {
  // @ts-expect-error `id` is required
  await client.api.users.get({});
  // @ts-expect-error the path parameter is named `id`
  await client.api.users.get({ user_id: id });
  // @ts-expect-error `alias` is a string
  await client.api.users.update({ id, data: { alias: 42 } });
  // @ts-expect-error the body goes under `data`
  await client.api.users.update({ id, alias: 'John' });
  // @ts-expect-error unknown body fields are rejected
  await client.api.authTokens.create({ data: { is_admin: true } });
  // @ts-expect-error there is no such operation
  await client.api.users.delete({ id });
  // @ts-expect-error only paginated lists have iterators
  client.api.vault.getIterator;
  // @ts-expect-error `value` is required by vault.set
  await client.api.vault.set({ key: 'k', data: { metadata: {} } });
  // @ts-expect-error not a method of the spec
  await client.api.vault.list({ method: 'GET' });
  const code: ErrorCode<'vault.get'> = 'VAULT_KEY_NOT_FOUND';
  // @ts-expect-error vault.get cannot answer DUPLICATE_ALIAS
  const wrongCode: ErrorCode<'vault.get'> = 'DUPLICATE_ALIAS';
  return [code, wrongCode];
}
