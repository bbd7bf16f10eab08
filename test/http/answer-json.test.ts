/**
 * An answer with shared records (src/store/record-texts.ts), in a list or as a member of their own, is written from
 * their texts made before (src/http/answer-json.ts): the text must be JSON.stringify's, byte for byte, the first time and every time after,
 * whatever the records hold and whichever of them are shared.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerJson } from '../../src/http/answer-json.js';
import { isShared, recordJson, shared } from '../../src/store/record-texts.js';

const text = fc.string({ unit: 'binary', maxLength: 40 });
const record = fc.record({
  id: fc.stringMatching(/^[0-9a-f]{24}$/),
  method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'),
  path: text,
  status_code: fc.integer({ min: 100, max: 599 }),
  user_agent: text,
  metadata: fc.jsonValue({ maxDepth: 2 }),
  realm_id: fc.option(text),
});
const body = fc.record({
  statusCode: fc.constant(200),
  message: text,
  data: fc.array(fc.tuple(record, fc.boolean()), { maxLength: 8 }),
  owner: fc.option(fc.tuple(record, fc.boolean()), { nil: undefined }),
  metadata: fc.record({ total: fc.nat(), page: fc.nat(), limit: fc.nat() }),
  note: fc.constantFrom(undefined, 'kept', null),
});

describe('answers with shared records', () => {
  it('are written as JSON.stringify writes them, the first time and again, however many of their records are shared', () => {
    fc.assert(
      fc.property(body, ({ data, owner, ...rest }) => {
        const sharedIf = ([item, isSharedItem]: [object, boolean]) => (isSharedItem ? shared(item) : item);
        const answer = { ...rest, data: data.map(sharedIf), owner: owner && sharedIf(owner) };
        expect(answerJson(answer)).toBe(JSON.stringify(answer));
        expect(answerJson(answer)).toBe(JSON.stringify(answer));
      }),
      { numRuns: 500 },
    );
  });

  it('make a shared record’s text once: a change made after it (which the store never makes) does not reach it', () => {
    const item = shared({ id: 'a', status_code: 200 });
    expect(isShared(item)).toBe(true);
    expect(recordJson(item)).toBe('{"id":"a","status_code":200}');
    item.status_code = 500;
    expect(answerJson({ data: [item] })).toBe('{"data":[{"id":"a","status_code":200}]}');
    expect(answerJson({ statusCode: 200, data: item })).toBe('{"statusCode":200,"data":{"id":"a","status_code":200}}');
    const other = { id: 'b', status_code: 200 };
    expect(isShared(other)).toBe(false);
    expect(answerJson({ data: [other] })).toBe(JSON.stringify({ data: [other] }));
  });

  it('leave answers with no shared record to JSON.stringify as they are', () => {
    for (const answer of [null, 'text', [shared({ a: 1 })], { data: [] }, { data: [{ a: 1 }] }, { a: undefined, b: () => 1 }]) {
      expect(answerJson(answer)).toBe(JSON.stringify(answer));
    }
  });
});
