/**
 * `npm run bundle`: openapi/ -> generated/openapi.json, the one file every other tool reads.
 *
 * Redocly bundles the split spec; then this script expands each response's `x-error-codes` (code names, or objects
 * overriding a text) from the catalogue in openapi/error-codes.yaml, narrows the response schema's `code` to exactly
 * those codes (so the SDK types `error.code` as their union), and adds a named example per code that the
 * hand-written examples do not cover (so the mock can answer any of them with `Prefer: example=<CODE>`).
 * The codes are written once, in the spec; everything derived from them is derived here.
 *
 * Usage: tsx scripts/bundle.ts [output path, default generated/openapi.json]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

type ErrorCodeEntry = { code: string; title: string; description: string; resolution: string; status?: number; message?: string };
type Json = Record<string, any>;

const root = resolve(import.meta.dirname, '..');
const output = resolve(process.argv[2] ?? join(root, 'generated/openapi.json'));

function redoclyBundle(): Json {
  const dir = mkdtempSync(join(tmpdir(), 'hoody-bundle-'));
  try {
    const file = join(dir, 'openapi.json');
    execFileSync(join(root, 'node_modules/.bin/redocly'), ['bundle', 'openapi/openapi.yaml', '--ext', 'json', '-o', file], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    return JSON.parse(readFileSync(file, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function loadCatalogue(): Record<string, Omit<ErrorCodeEntry, 'code'>> {
  return parse(readFileSync(join(root, 'openapi/error-codes.yaml'), 'utf8'));
}

function expandCodes(listed: unknown[], catalogue: ReturnType<typeof loadCatalogue>, where: string): ErrorCodeEntry[] {
  return listed.map((item) => {
    const override = typeof item === 'string' ? { code: item } : (item as Partial<ErrorCodeEntry>);
    const base = override.code ? catalogue[override.code] : undefined;
    if (!base) throw new Error(`${where}: error code ${String(override.code)} is not in openapi/error-codes.yaml`);
    return { code: override.code!, ...base, ...override } as ErrorCodeEntry;
  });
}

function decorateErrorResponse(response: Json, statusKey: string, catalogue: ReturnType<typeof loadCatalogue>, where: string) {
  const entries = expandCodes(response['x-error-codes'], catalogue, where);
  response['x-error-codes'] = entries.map(({ status: _status, message: _message, ...entry }) => entry);
  const media = response.content?.['application/json'];
  if (!media) throw new Error(`${where}: an error response needs application/json content`);
  const codes = entries.map((entry) => entry.code);
  media.schema = { allOf: [media.schema, { type: 'object', required: ['code'], properties: { code: { enum: codes } } }] };

  const examples: Json = (media.examples ??= {});
  const declaredStatus = Number(statusKey) || (Object.values(examples)[0] as Json | undefined)?.value?.statusCode;
  for (const entry of entries) {
    if (Object.values(examples).some((example: Json) => example.value?.code === entry.code)) continue;
    const status = entry.status ?? declaredStatus;
    if (!status) throw new Error(`${where}: cannot tell the status of ${entry.code}`);
    examples[entry.code] = {
      summary: entry.title,
      value: { statusCode: status, error: STATUS_CODES[status], code: entry.code, message: entry.title },
    };
  }
}

function buildBundle(): Json {
  const doc = redoclyBundle();
  const catalogue = loadCatalogue();
  for (const [name, response] of Object.entries<Json>(doc.components?.responses ?? {})) {
    if (response['x-error-codes']) decorateErrorResponse(response, '', catalogue, `components/responses/${name}`);
  }
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, operation] of Object.entries<Json>(item)) {
      for (const [status, response] of Object.entries<Json>(operation?.responses ?? {})) {
        if (response['x-error-codes']) decorateErrorResponse(response, status, catalogue, `${method.toUpperCase()} ${path} ${status}`);
      }
    }
  }
  return doc;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bundle.ts')) {
  writeFileSync(output, JSON.stringify(buildBundle(), null, 2) + '\n');
  console.log(`bundled openapi/ into ${output}`);
}
