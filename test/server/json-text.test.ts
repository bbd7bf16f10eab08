/**
 * JSON a store serialised itself (PostgreSQL's activity page) is spliced into the answer as it is: the answer is the
 * same JSON as if the fields had been objects, the server's own response check still reads it, and the handler
 * prefers the text to the parsed items.
 */
import { describe, expect, it } from 'vitest';
import { JsonText, parseJsonText, stringifyBody } from '../../src/json-text.js';
import type { ActivityRecord } from '../../src/store/types.js';
import { withFaults } from '../support/faulty-store.js';
import { makeTestStore, startTestServer } from '../support/server.js';

describe('JsonText', () => {
  const items = [
    { id: 'a', text: 'quote " back \\ \u2028 😀' },
    { id: 'b', n: 2 },
  ];

  it('is written as its text at the top level of a body, which then reads as the same JSON', () => {
    const body = { statusCode: 200, message: 'm', data: new JsonText(JSON.stringify(items)), metadata: { total: 2 }, skipped: undefined };
    const text = stringifyBody(body);
    expect(text).toBe(JSON.stringify({ statusCode: 200, message: 'm', data: items, metadata: { total: 2 } }));
    expect(parseJsonText(body)).toEqual({ statusCode: 200, message: 'm', data: items, metadata: { total: 2 }, skipped: undefined });
  });

  it('leaves a body without any as JSON.stringify and the check would', () => {
    for (const body of [{ a: [1, { b: 'c' }] }, [1, 2], 'text', null, 3]) {
      expect(stringifyBody(body)).toBe(JSON.stringify(body));
      expect(parseJsonText(body)).toBe(body);
    }
  });
});

describe('activity.list with a store that answers JSON text', () => {
  const record = (path: string): ActivityRecord => ({
    id: '6670000000000000000000a1',
    user_id: '6670000000000000000000b2',
    realm_id: '',
    method: 'GET',
    path,
    status_code: 200,
    ip_address: '127.0.0.1',
    user_agent: 'from the text',
    created_at: '2030-01-01T00:00:00.000Z',
  });

  it('answers the text, not the parsed items, and the response check reads the text', async () => {
    const { store, inject } = withFaults(await makeTestStore());
    const logLines: string[] = [];
    const server = await startTestServer({ store, logLines });
    let itemsJson = new JsonText<ActivityRecord[]>(JSON.stringify([record('/text')]));
    inject('listActivity', () => async () => ({ total: 1, itemsJson, items: [record('/parsed')] }));
    const api = await server.as('jane_roe');
    const answered = await api.activity.list();
    expect(answered.response.status, logLines.join('\n')).toBe(200);
    expect(answered.data?.data).toEqual([record('/text')]);
    expect(answered.data?.metadata).toEqual({ total: 1, page: 1, limit: 50, pages: 1 });

    // Text that breaks the spec (status_code as a string) is caught by the server's response check: 500, logged.
    itemsJson = new JsonText(JSON.stringify([{ ...record('/text'), status_code: '200' }]));
    expect((await api.activity.list()).response.status).toBe(500);
    expect(logLines.join('\n')).toContain('response does not match the spec');
  });
});
