// A consumer's code, type-checked by test/sdk/package.test.ts in a fresh project that installed the packed SDK, under
// the strictest flags a frontend or a Node service uses. Not part of this repository's own compilation.
import { createHoodyClient, HoodyApiError, HoodyTransportError, SPEC_VERSION, type ErrorCode } from '@hoody/sdk';

const client = createHoodyClient({ baseUrl: 'http://localhost:4010', token: () => 'hdy_example', refreshToken: async () => 'hdy_fresh' });
const id = '507f1f77bcf86cd799439011';

export async function profile(signal: AbortSignal): Promise<string> {
  const result = await client.api.users.get({ id }, { signal, headers: { Prefer: 'example=USER_NOT_FOUND' }, timeout: 5_000 });
  // @ts-expect-error a transport failure has no response: it must be checked first
  result.response.status;
  const { data, error } = result;
  if (error instanceof HoodyTransportError) return `${error.code} ${error.status ?? 'no status'}`;
  if (error) {
    const code: ErrorCode<'users.get'> = error.code;
    return `${code} ${error.statusCode}`;
  }
  return `${data.data.username} (contract ${SPEC_VERSION})`;
}

// TanStack Query's pattern: the query function gets the signal and throws on failure.
export const userQuery = (userId: string) => ({
  queryKey: ['user', userId],
  queryFn: ({ signal }: { signal: AbortSignal }) => client.api.users.get({ id: userId }, { signal, throwOnError: true }).then((r) => r.data.data),
});

export async function everything(): Promise<number> {
  const tokens = await client.api.authTokens.listIterator({ limit: 50 });
  let count = tokens.data?.length ?? 0;
  for await (const entry of client.api.vault.listIterator()) count += entry.key.length;
  const created = await client.api.authTokens.create({ data: { alias: 'CI', permission_template: 'read_only' } });
  if (created.data) count += created.data.data.token.length;
  await client.api.vault.set({ key: 'api-keys', data: { value: 'v' } });
  const throwing = createHoodyClient({ baseUrl: 'http://localhost:4010', throwOnError: true });
  try {
    const { data } = await throwing.api.realms.list({ include_usage: true });
    count += data.data.realm_ids.length;
  } catch (failure) {
    if (failure instanceof HoodyApiError) count += failure.status;
  }
  return count;
}
