/**
 * Reads the seed pages in ../shared/seeds: which error codes each seed table puts on which operation and status,
 * with the table's texts. The Users page is Markdown; the Tokens and Realms pages are flattened text, parsed by
 * the shapes they have (operation sections start at their curl line; a status is known by its message).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findOperation, type SpecOperation } from '../../src/spec/operations.js';

export const SEEDS_DIR = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));
export type SeedErrorRow = { method: string; path: string; status: number; code: string; title?: string; description?: string; resolution?: string };

const readSeed = (name: string) => readFileSync(SEEDS_DIR + name, 'utf8');
const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** Users page (Markdown): `### \`METHOD path\`` sections, each error JSON followed by its code table. */
export function usersPageErrorRows(): SeedErrorRow[] {
  const rows: SeedErrorRow[] = [];
  const sections = readSeed('000_6dfa94fd487d42ae.txt').split(/^### `/m).slice(1);
  for (const section of sections) {
    const [, method, path] = section.match(/^(\w+) ([^`]+)`/)!;
    let status = 0;
    for (const line of section.split('\n')) {
      const statusMatch = line.match(/"statusCode": (\d+)/);
      if (statusMatch) status = Number(statusMatch[1]);
      const row = line.match(/^\| `([A-Z_]+)` \| (.+?) \| (.+?) \| (.+?) \|$/);
      if (row) rows.push({ method, path, status, code: row[1], title: row[2], description: row[3], resolution: unescape(row[4]) });
    }
  }
  return rows;
}

/** The status each error message of the flattened Tokens page stands for. */
const TOKENS_PAGE_MESSAGE_STATUS: Record<string, number> = {
  'Validation failed': 400,
  'Invalid ID format': 400,
  'Invalid realm ID format': 400,
  'Invalid public key format': 400,
  'Authentication token required': 401,
  'Insufficient permissions': 403,
  'Authentication token not found': 404,
  'Token alias already exists': 409,
};

/** Tokens page (flattened): sections start at `curl -X METHOD url`; codes are glued to their titles. */
export function tokensPageErrorRows(operations: SpecOperation[]): SeedErrorRow[] {
  const rows: SeedErrorRow[] = [];
  const text = readSeed('003_ee50993c280b5c14.txt');
  const parts = text.split(/^curl -X (\w+) https:\/\/api\.hoody\.icu(\S+)/m);
  for (let i = 1; i < parts.length; i += 3) {
    const method = parts[i];
    const url = parts[i + 1];
    const path = findOperation(operations, method, url.split('?')[0])?.path;
    if (!path) throw new Error(`no spec operation for seed URL ${method} ${url}`);
    const lines = parts[i + 2].split('\n');
    let status = 0;
    for (const line of lines) {
      const message = line.match(/^"message" : " (.+) "$/);
      if (message) status = TOKENS_PAGE_MESSAGE_STATUS[message[1]] ?? 0;
      if (!line.startsWith('Error Code Title Description Resolution ')) continue;
      const table = line.slice('Error Code Title Description Resolution '.length);
      for (const match of table.matchAll(/([A-Z]+(?:_[A-Z]+)+)(?=[A-Z][a-z]|\d)/g)) {
        rows.push({ method, path, status, code: match[1] });
      }
    }
  }
  return rows;
}

/** Realms page (flattened): `NNN — Title` headings, each followed by its table. */
export function realmsPageErrorRows(): SeedErrorRow[] {
  const rows: SeedErrorRow[] = [];
  const lines = readSeed('002_0173735e0bfdbeb6.txt').split('\n');
  let status = 0;
  lines.forEach((line, index) => {
    const heading = line.match(/^(\d{3}) — /);
    if (heading) status = Number(heading[1]);
    if (line === 'Error CodeTitleDescriptionResolution') {
      const code = lines[index + 1].match(/^([A-Z_]+?)(?=[A-Z][a-z])/)![1];
      rows.push({ method: 'GET', path: '/api/v1/realms/', status, code });
    }
  });
  return rows;
}
