/**
 * A user's presentation (src/handlers/present.ts) is made once for a record the stores hand out (deep-frozen, replaced
 * on update) and shared, so its JSON text is made once too; it must still show exactly the record's public fields,
 * and a record handed over unfrozen (changeable) must be presented afresh each time.
 */
import { describe, expect, it } from 'vitest';
import { presentUser } from '../../src/handlers/present.js';
import { answerJson } from '../../src/http/answer-json.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { isShared } from '../../src/store/record-texts.js';
import type { UserRecord } from '../../src/store/types.js';

const record = (): UserRecord => ({
  id: '507f1f77bcf86cd799439011',
  username: 'john_doe',
  alias: 'John Doe',
  email: 'john.doe@example.com',
  public_key: null,
  is_admin: false,
  is_banned: false,
  metadata: { theme: 'dark' },
  password_hash: 'secret-hash',
  totp_secret: 'SECRET',
  created_at: '2024-12-01T10:00:00.000Z',
  updated_at: '2024-12-01T10:00:00.000Z',
});

describe('presentUser', () => {
  it('shows the public fields only, in the documented order', () => {
    expect(JSON.stringify(presentUser(record()))).toBe(
      '{"id":"507f1f77bcf86cd799439011","username":"john_doe","alias":"John Doe","email":"john.doe@example.com","public_key":null,' +
        '"is_admin":false,"is_banned":false,"metadata":{"theme":"dark"},"created_at":"2024-12-01T10:00:00.000Z","updated_at":"2024-12-01T10:00:00.000Z"}',
    );
  });

  it('presents a frozen record once, frozen and shared, and an unfrozen one afresh each time', () => {
    const frozen = Object.freeze(record());
    const first = presentUser(frozen);
    expect(presentUser(frozen)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(isShared(first)).toBe(true);
    const open = record();
    const before = presentUser(open);
    open.alias = 'Changed';
    expect(presentUser(open)).not.toBe(before);
    expect(presentUser(open).alias).toBe('Changed');
    expect(isShared(before)).toBe(false);
  });

  it('shows a user’s update at once: the store hands out a new record, whose text is made anew', async () => {
    const store = new MemoryStore();
    await store.seed({ users: [record()] });
    const kept = (await store.getUser('507f1f77bcf86cd799439011'))!;
    const answer = () => ({ statusCode: 200, data: presentUser(kept) });
    expect(answerJson(answer())).toContain('"alias":"John Doe"');
    await store.updateUser(kept.id, { alias: 'Johnny' }, '2024-12-02T10:00:00.000Z');
    const updated = (await store.getUser(kept.id))!;
    expect(answerJson({ statusCode: 200, data: presentUser(updated) })).toContain('"alias":"Johnny","email"');
    expect(answerJson({ statusCode: 200, data: presentUser(updated) })).toContain('"updated_at":"2024-12-02T10:00:00.000Z"');
  });
});
