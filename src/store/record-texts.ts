/**
 * Records that many answers carry, serialised once each. Under one user's flood, an activity page answered from a
 * kept read (postgres/activity-read-cache.ts) is the same 50 record objects request after request, with this
 * process's records not yet written (the same objects too) merged in; serialising them for every answer made the
 * same text again (bench/README.md, "Shared records serialised once": -1% to +35% pages a second, alternated). The
 * store marks the records it keeps (`shared`); the HTTP layer asks for their text (`recordJson`, answer-json.ts) and
 * gets the one made the first time.
 *
 * Only objects that never change after they are made may be marked. The text lives as long as its record, no
 * longer (a weak map): a kept read's rows go when it does, a held record once it is written and no kept read holds it.
 */
const texts = new WeakMap<object, string | null>();

/** Marks `record` as shared: its JSON text is made once, when first asked for. */
export function shared<T extends object>(record: T): T {
  if (!texts.has(record)) texts.set(record, null);
  return record;
}

/** Whether `value` is a record marked as shared. */
export function isShared(value: unknown): boolean {
  return typeof value === 'object' && value !== null && texts.has(value);
}

/** `JSON.stringify(record)`: made once for a shared record, each time for another. */
export function recordJson(record: object): string {
  const text = texts.get(record);
  if (text) return text;
  const made = JSON.stringify(record);
  if (text === null) texts.set(record, made);
  return made;
}
