/**
 * The MSW handlers shipped as `@hoody/sdk/msw`, used as a frontend's unit test would: msw/node intercepts the SDK's
 * real fetch. Every operation answers its spec example; a scenario (per handler or per call) answers its error; a
 * call the spec refuses is answered 400 and reported.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHoodyClient } from '@hoody/sdk';
import { hoodyHandlers, hoodyScenario, mockSpec } from '@hoody/sdk/msw';
import { callOperation, operationIds, sampleParams } from '../support/sample-calls.js';

const baseUrl = 'http://api.hoody.test';
const reported: string[] = [];
const server = setupServer(
  ...hoodyHandlers({ baseUrl, onInvalidRequest: (id, problems) => reported.push(`${id}: ${problems.map((p) => p.field).join(',')}`) }),
);
const api = createHoodyClient({ baseUrl, token: 'hdy_test' }).api;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  reported.length = 0;
});
afterAll(() => server.close());

describe('@hoody/sdk/msw', () => {
  it.each(operationIds)('%s answers its success example to a valid call', async (operationId) => {
    const result = (await callOperation(api as never, operationId, sampleParams(operationId))) as { data?: unknown; response?: Response };
    const success = mockSpec.operations[operationId]!.answers.find((a) => a.status < 300)!;
    expect(reported).toEqual([]);
    expect(result.response?.status).toBe(success.status);
    expect(result.data).toEqual(success.body);
    expect(result.response?.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('a scenario put in front for one test answers its error code', async () => {
    server.use(hoodyScenario('users.get', { example: 'USER_NOT_FOUND' }, { baseUrl }));
    const { error, response } = await api.users.get({ id: '507f1f77bcf86cd799439011' });
    expect([response?.status, error?.code]).toEqual([404, 'USER_NOT_FOUND']);
  });

  it('a call picks its scenario with the Prefer header, by example name alone or by status', async () => {
    const expired = await api.vault.get({ key: 'api-keys' }, { headers: { Prefer: 'example=TOKEN_EXPIRED' } });
    const limited = await api.vault.get({ key: 'api-keys' }, { headers: { Prefer: 'code=429' } });
    const down = await api.vault.get({ key: 'api-keys' }, { headers: { Prefer: 'example=SERVICE_UNAVAILABLE' } });
    expect([expired.response?.status, expired.error?.code, limited.error?.code, down.response?.status]).toEqual([401, 'TOKEN_EXPIRED', 'RATE_LIMITED', 503]);
  });

  it('a scenario the operation does not document is refused with 400 naming what it has', async () => {
    const { error, response } = await api.users.get({ id: '507f1f77bcf86cd799439011' }, { headers: { Prefer: 'code=409' } });
    expect([response?.status, error?.code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(error && 'details' in error ? error.details?.map((d) => d.message) : []).toContain('code=404, example=USER_NOT_FOUND');
  });

  it('a wrong call fails: bad parameter, unknown body field, missing credential', async () => {
    const badId = await api.users.get({ id: 'not-an-id' });
    const unknownField = await api.users.update({ id: '507f1f77bcf86cd799439011', data: { alias: 'x', favourite_colour: 'red' } as never });
    const anonymous = await createHoodyClient({ baseUrl }).api.realms.list();
    expect([badId.response?.status, unknownField.response?.status, anonymous.error?.code]).toEqual([400, 400, 'MISSING_TOKEN']);
    expect(reported).toEqual(['users.get: path.id', 'users.update: body.favourite_colour', 'realms.list: header.authorization']);
  });
});
