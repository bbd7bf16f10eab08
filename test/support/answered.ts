/**
 * The SDK for tests whose server always answers (in process, or on 127.0.0.1): a transport failure there is a bug, so
 * it throws instead of being returned, and every result's `response` is typed as present. What a user gets from the
 * SDK (transport failures as results) is tested in test/sdk/.
 */
import { createHoodyClient, HoodyTransportError, type HoodyApi, type HoodyClientOptions, type TransportFailure } from '@hoody/sdk';

type Answered<Method> = Method extends (...args: infer Args) => Promise<infer Result> ? (...args: Args) => Promise<Exclude<Result, TransportFailure>> : Method;
export type AnsweredApi = { [Group in keyof HoodyApi]: { [Name in keyof HoodyApi[Group]]: Answered<HoodyApi[Group][Name]> } };

export function answeredApi(options: HoodyClientOptions): AnsweredApi {
  const api = createHoodyClient(options).api as unknown as Record<string, Record<string, (...args: unknown[]) => unknown>>;
  const groups = Object.entries(api).map(([group, methods]) => [
    group,
    Object.fromEntries(
      Object.entries(methods).map(([name, method]) => [
        name,
        name.endsWith('Iterator')
          ? method
          : async (...args: unknown[]) => {
              const result = (await method(...args)) as { error?: unknown };
              if (result.error instanceof HoodyTransportError) throw result.error;
              return result;
            },
      ]),
    ),
  ]);
  return Object.fromEntries(groups) as AnsweredApi;
}
