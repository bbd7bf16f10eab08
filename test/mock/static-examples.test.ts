/**
 * The static mock answers the spec's examples, so they must be data a frontend can render: every list example's
 * metadata agrees with its items, ids are unique within a list, `updated_at` never precedes `created_at`; and a
 * list iterator over `npm run mock` ends with no item twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHoodyClient } from '@hoody/sdk';
import { mockSpec } from '@hoody/sdk/msw';
import { startMock, type RunningMock } from '../../scripts/mock/server.js';

type Page = { data: Array<Record<string, unknown>>; metadata: { total: number; page: number; limit: number; pages: number } };
const listExamples = Object.entries(mockSpec.operations).flatMap(([operationId, operation]) =>
  operation.answers
    .filter((answer) => answer.status < 300 && (answer.body as Partial<Page> | undefined)?.metadata)
    .map((answer) => [`${operationId} example ${answer.name}`, answer.body as Page] as const),
);

function timestampsInOrder(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(timestampsInOrder);
  if (!value || typeof value !== 'object') return true;
  const record = value as Record<string, unknown>;
  const ordered =
    typeof record.created_at !== 'string' || typeof record.updated_at !== 'string' || Date.parse(record.updated_at) >= Date.parse(record.created_at);
  return ordered && Object.values(record).every(timestampsInOrder);
}

describe('static list examples', () => {
  it('exist for the three paginated lists', () => {
    expect(listExamples.map(([name]) => name.split(' ')[0]).sort()).toEqual(['activity.list', 'authTokens.list', 'vault.list']);
  });

  it.each(listExamples)('%s: metadata agrees with the items, ids unique, timestamps ordered', (_name, page) => {
    const { total, page: number, limit, pages } = page.metadata;
    expect(pages).toBe(Math.max(1, Math.ceil(total / limit)));
    expect(page.data.length).toBeLessThanOrEqual(limit);
    if (number === pages) expect(page.data.length).toBe(total - (number - 1) * limit);
    const ids = page.data.map((item) => item.id ?? item.key);
    expect(new Set(ids).size).toBe(ids.length);
    expect(timestampsInOrder(page)).toBe(true);
  });
});

describe('list iterators over the static mock', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock();
  });
  afterAll(() => mock?.close());

  it('end, and yield no item twice', async () => {
    const api = createHoodyClient({ baseUrl: mock.url, token: 'hdy_mock' }).api;
    for (const iterate of [() => api.activity.listIterator(), () => api.authTokens.listIterator(), () => api.vault.listIterator()]) {
      const { data, error } = await iterate();
      expect(error).toBeUndefined();
      const ids = (data as Array<{ id?: string; key?: string }>).map((item) => item.id ?? item.key);
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});
