/**
 * Where the repository's files are, for the server whether it runs from source (tsx) or from its bundle
 * (`npm start` builds dist/server/main.mjs): the root is the nearest directory above this module holding the
 * project's package.json, found once at start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'hoody-api') return dir;
    if (dirname(dir) === dir) throw new Error(`no hoody-api package.json above ${from}`);
  }
}

export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const SPEC_PATH = join(ROOT, 'generated/openapi.json');
export const DOCS_SITE_PATH = join(ROOT, 'docs/site/index.html');
export const MIGRATIONS_DIR = join(ROOT, 'src/store/postgres/migrations/');
