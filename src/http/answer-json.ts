/**
 * An answer's JSON text, exactly as `JSON.stringify` writes it, with shared records (store/record-texts.ts: the
 * records of an activity page from a kept read, a presented user) taken from their texts made before, not serialised
 * again: a member of the answer that is a shared record or a list of them. Byte for byte the same text: an object is
 * `{` its own enumerable properties in order, `"key":` and each value's text, joined by commas, `}`, leaving out
 * those whose value has no JSON (undefined, a function, a symbol); an array of objects is `[` their texts joined by
 * commas `]`.
 */
import { isShared, recordJson } from '../store/record-texts.js';

export function answerJson(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !hasSharedMember(body)) return JSON.stringify(body);
  const members: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (isShared(value)) members.push(`${JSON.stringify(key)}:${recordJson(value as object)}`);
    else if (isSharedList(value)) members.push(`${JSON.stringify(key)}:[${value.map(recordJson).join(',')}]`);
    else if (value !== undefined && typeof value !== 'function' && typeof value !== 'symbol') members.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }
  return `{${members.join(',')}}`;
}

/** Looked for on every answer, so with no array made for it. */
function hasSharedMember(body: object): boolean {
  for (const key in body) {
    const value = (body as Record<string, unknown>)[key];
    if (isShared(value) || isSharedList(value)) return true;
  }
  return false;
}

/** A list whose first record is shared: its records are all alike (one page). */
function isSharedList(value: unknown): value is object[] {
  return Array.isArray(value) && value.length > 0 && isShared(value[0]);
}
