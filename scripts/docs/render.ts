/** Small renderers for the Markdown reference: types, tables, JSON, JS object literals, curl and SDK calls. */

type Json = Record<string, any>;

/**
 * A schema's type as the seed tables write it (`string`, `array | string`, `object | null`), through `$ref`,
 * `allOf` (what every branch allows), `oneOf`/`anyOf` (what any branch allows), `const` and `enum`, with `null`
 * last. `resolve` follows a `$ref`.
 */
export function typeOf(schema: Json | undefined, resolve: (schema: Json) => Json = (s) => s): string {
  return [...typesOf(schema, resolve)].sort((a, b) => (a === 'null' ? 1 : b === 'null' ? -1 : a.localeCompare(b))).join(' | ') || 'any';
}

const JSON_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];

function typesOf(schema: Json | undefined, resolve: (schema: Json) => Json): Set<string> {
  if (!schema) return new Set(['any']);
  const s = schema.$ref ? resolve(schema) : schema;
  let types: Set<string> | undefined;
  const narrow = (allowed: Iterable<string>) => {
    const next = new Set(allowed);
    types = types ? new Set([...types].filter((t) => next.has(t) || (t === 'number' && next.has('integer')))) : next;
  };
  if (s.type !== undefined) narrow(Array.isArray(s.type) ? s.type : [s.type]);
  for (const values of [s.const !== undefined ? [s.const] : undefined, s.enum].filter(Boolean) as unknown[][]) {
    narrow(values.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v)));
  }
  for (const branch of s.allOf ?? []) {
    const inner = typesOf(branch, resolve);
    if (!inner.has('any')) narrow(inner);
  }
  const union = s.oneOf ?? s.anyOf;
  if (union) narrow(union.flatMap((branch: Json) => [...typesOf(branch, resolve)]).flatMap((t: string) => (t === 'any' ? JSON_TYPES : [t])));
  if (!types) return new Set([s.properties || s.additionalProperties ? 'object' : s.items ? 'array' : 'any']);
  return types;
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((h) => '-'.repeat(Math.max(3, h.length)))), ...rows.map(line)].join('\n');
}

/**
 * Table cells cannot hold newlines or bare pipes. Outside code spans `<` and `>` become entities (or the Markdown
 * would read them as HTML tags); inside code spans entities are shown literally, so they stay as written.
 */
export function cell(text: string | undefined): string {
  return (text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('')
    .replace(/\|/g, '\\|')
    .trim();
}

/** Sentences joined as prose: each ends with one full stop, none doubled. */
export function sentences(...parts: Array<string | undefined | false>): string {
  return parts
    .filter((part): part is string => Boolean(part && part.trim()))
    .map((part) => part.trim().replace(/\.+$/, '') + '.')
    .join(' ');
}

export function fence(language: string, body: string): string {
  return `\`\`\`${language}\n${body}\n\`\`\``;
}

/** A value as a JS/TS object literal in the seeds' style: bare keys, double quotes, trailing commas. */
function jsLiteral(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((item) => jsLiteral(item, indent)).join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    const lines = entries.map(([key, item]) => `${inner}${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${jsLiteral(item, inner)},`);
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

export function curl(method: string, url: string, body: unknown): string {
  const lines = [`curl -X ${method} "${url}" \\`, '  -H "Authorization: Bearer <token>"'];
  if (body !== undefined) {
    lines[1] += ' \\';
    lines.push('  -H "Content-Type: application/json" \\');
    const json = JSON.stringify(body, null, 2).replace(/\n/g, '\n  ').replace(/'/g, `'\\''`);
    lines.push(`  -d '${json}'`);
  }
  return lines.join('\n');
}

/** `const { data, error } = await client.api.<group>.<method>({ ... });` */
export function sdkCall(group: string, method: string, params: Json): string {
  const call = `client.api.${group}.${method}`;
  const argument = Object.keys(params).length ? jsLiteral(params) : '';
  return `const { data, error } = await ${call}(${argument});`;
}
