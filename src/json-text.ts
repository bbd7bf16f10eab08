/**
 * JSON that is already text: PostgreSQL builds an activity page's items as one JSON array, which the answer carries
 * as it is. Parsing fifty rows into objects in node-postgres and serialising them again was about a third of the
 * server's time on an activity page (see ARCHITECTURE.md, "Performance").
 *
 * It may stand for a top-level field of an answer's body only; `stringifyBody` splices it there.
 */
export class JsonText<T = unknown> {
  /** Only for the type checker: what the text holds, so a JsonText<A[]> cannot stand where a B[] is declared. */
  declare readonly holds?: T;

  constructor(readonly text: string) {}

  parse(): T {
    return JSON.parse(this.text) as T;
  }
}

/** A body whose top-level fields may each be JSON text of the declared type. */
export type WithJsonText<Body> = Body extends object ? { [Key in keyof Body]: Body[Key] | JsonText<Body[Key]> } : Body;

function hasJsonText(body: object): boolean {
  for (const key in body) if ((body as Record<string, unknown>)[key] instanceof JsonText) return true;
  return false;
}

/** JSON.stringify, with top-level JsonText fields written as their text. */
export function stringifyBody(body: unknown): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !hasJsonText(body)) return JSON.stringify(body);
  const fields: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const text = value instanceof JsonText ? value.text : JSON.stringify(value);
    // As JSON.stringify does: a field whose value has no JSON form (undefined, a function) is left out.
    if (text !== undefined) fields.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${fields.join(',')}}`;
}

/** The body with its top-level JsonText fields parsed: what a client reads, for checking against the spec. */
export function parseJsonText(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !hasJsonText(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, value instanceof JsonText ? value.parse() : value]));
}
