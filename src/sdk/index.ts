/**
 * The Hoody SDK in the seed pages' call shape:
 *
 *   const client = createHoodyClient({ baseUrl: 'http://localhost:3000', token });
 *   const { data, error } = await client.api.users.get({ id });
 *   await client.api.vault.set({ key, data: { value }, realm_id });
 *   for await (const token of client.api.authTokens.listIterator()) { ... }
 *
 * It is a thin layer over hey-api's generated SDK (generated/client/), built from the generated operation table, so
 * a new operation in the spec appears here after `npm run generate` with no hand work.
 */
import { createClient, createConfig, type Client, type Config } from '../../generated/client/client/index.js';
import { HoodyApi as GeneratedSdk } from '../../generated/client/sdk.gen.js';
import { operations } from '../../generated/operations.gen.js';
import { ListIterator, type PageResult } from './list-iterator.js';
import type { HoodyApi } from './types.js';

export type { ApiResult, ErrorBody, ErrorCode, HoodyApi, ListItem, OperationParams, SuccessBody } from './types.js';
export { HoodyApiError, ListIterator } from './list-iterator.js';

export type HoodyClientOptions = {
  /** Where the API is served, e.g. `http://localhost:3000` or the mock's `http://localhost:4010`. */
  baseUrl: string;
  /** A session JWT or an `hdy_` API token, or a function returning one per request. */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** A fetch implementation; the tests pass the server's in-process `app.request`. */
  fetch?: typeof fetch;
  /** Headers sent with every request (for example `Prefer: code=404` against the mock). */
  headers?: Record<string, string>;
};

export type HoodyClient = { api: HoodyApi; client: Client };

type AnyParams = Record<string, unknown> & { data?: unknown; page?: number };
type GeneratedMethod = (params: Record<string, unknown>, options: { body?: unknown }) => Promise<unknown>;

export function createHoodyClient(options: HoodyClientOptions): HoodyClient {
  const client = createClient(createConfig({ baseUrl: options.baseUrl, fetch: options.fetch, auth: options.token, headers: options.headers } as Config));
  const sdk = new GeneratedSdk({ client }) as unknown as Record<string, Record<string, GeneratedMethod>>;
  const api: Record<string, Record<string, unknown>> = {};

  for (const meta of Object.values(operations)) {
    const groupSdk = sdk[meta.group];
    const generated = groupSdk[meta.method].bind(groupSdk);
    // hey-api's flat signature names the body after its schema; it also takes the body from its options, which
    // lets one generic rename serve every operation.
    const call = (params: AnyParams = {}) => {
      const { data, ...named } = params;
      return generated(named, data === undefined ? {} : { body: data });
    };
    const group = (api[meta.group] ??= {});
    group[meta.method] = call;
    if (meta.paginated) {
      group[`${meta.method}Iterator`] = (params: AnyParams = {}) =>
        new ListIterator((page) => call({ ...params, page }) as Promise<PageResult<unknown, unknown>>, params.page ?? 1);
    }
  }
  return { api: api as unknown as HoodyApi, client };
}
