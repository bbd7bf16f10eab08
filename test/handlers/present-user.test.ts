/**
 * A user's presentation (src/handlers/present.ts) is made once for a record the stores hand out (deep-frozen, replaced
 * on update) and shared, so its JSON text is made once too; it must still show exactly the record's public fields,
 * and a record handed over unfrozen (changeable) must be presented afresh each time.
 */
import { describe, expect, it } from 'vitest';
import { presentUser } from '../../src/handlers/present.js';
import { answerJson } from '../../src/http/answer-json.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { DEMO_USERS, demoData } from '../../src/store/demo-data.js';
import { isShared } from '../../src/store/record-texts.js';
import type { UserRecord } from '../../src/store/types.js';

/** A demo user with 2FA on (so a TOTP secret as well as a password hash to keep out), changeable. */
const record = (): UserRecord => ({ ...structuredClone(demoData().users.find((user) => user.username === 'otp_olivia')!), metadata: { theme: 'dark' } });

describe('presentUser', () => {
  it('shows the public fields only, in the documented order', () => {
    const user = record();
    const presented = presentUser(user);
    expect(Object.keys(presented)).toEqual(['id', 'username', 'alias', 'email', 'public_key', 'is_admin', 'is_banned', 'metadata', 'created_at', 'updated_at']);
    expect(presented).toMatchObject({ id: user.id, username: 'otp_olivia', metadata: { theme: 'dark' }, created_at: user.created_at });
    expect(JSON.stringify(presented)).not.toContain(user.password_hash);
    expect(JSON.stringify(presented)).not.toContain(user.totp_secret!);
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
    const kept = (await store.getUser(DEMO_USERS.otp_olivia.id))!;
    const answer = () => ({ statusCode: 200, data: presentUser(kept) });
    expect(answerJson(answer())).toContain(`"alias":${JSON.stringify(kept.alias)}`);
    await store.updateUser(kept.id, { alias: 'Johnny' }, '2024-12-02T10:00:00.000Z');
    const updated = (await store.getUser(kept.id))!;
    expect(answerJson({ statusCode: 200, data: presentUser(updated) })).toContain('"alias":"Johnny","email"');
    expect(answerJson({ statusCode: 200, data: presentUser(updated) })).toContain('"updated_at":"2024-12-02T10:00:00.000Z"');
  });
});
