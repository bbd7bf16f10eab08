/** Small renderers for the Markdown reference: types, tables, JSON, JS object literals, curl and SDK calls. */

type Json = Record<string, any>;

/** A schema's type as the seed tables write it: `string`, `array | string`, `object | null`. */
export function typeOf(schema: Json | undefined): string {
  if (!schema) return 'object';
  if (schema.allOf?.length === 1) return typeOf(schema.allOf[0]);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : schema.oneOf ? schema.oneOf.map(typeOf) : ['object'];
  return types.join(' | ');
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((h) => '-'.repeat(Math.max(3, h.length)))), ...rows.map(line)].join('\n');
}

/** Table cells cannot hold newlines or bare pipes. */
export function cell(text: string | undefined): string {
  return (text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').trim();
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
