/** New ids: ObjectId's layout (seconds, a per-process part, a counter), as 24 lowercase hex characters. */
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';

describe('newId', () => {
  it('starts with the seconds of its time, keeps the process part, and counts up', () => {
    const at = Date.parse('2026-12-02T09:30:00.750Z');
    const [first, second] = [newId(at), newId(at + 1000)];
    for (const id of [first, second]) expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(parseInt(first.slice(0, 8), 16)).toBe(Math.floor(at / 1000));
    expect(parseInt(second.slice(0, 8), 16)).toBe(Math.floor(at / 1000) + 1);
    expect(second.slice(8, 18)).toBe(first.slice(8, 18));
    expect((parseInt(second.slice(18), 16) - parseInt(first.slice(18), 16) + 0x1000000) % 0x1000000).toBe(1);
  });

  it('gives 100,000 distinct ids within one second', () => {
    const at = Date.now();
    expect(new Set(Array.from({ length: 100_000 }, () => newId(at))).size).toBe(100_000);
  });
});
