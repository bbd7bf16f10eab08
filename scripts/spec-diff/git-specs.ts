/** The bundled spec at a git ref, and the ref a comparison starts from by default. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The last release tag (`v*`) reachable from HEAD, else the merge base with `main`, else HEAD. */
export function defaultBase(): { ref: string; why: string } {
  try {
    return { ref: git(['describe', '--tags', '--abbrev=0', '--match', 'v[0-9]*']), why: 'the last release tag' };
  } catch {
    try {
      return { ref: git(['merge-base', 'HEAD', 'main']), why: 'the merge base with main (no release tag yet)' };
    } catch {
      return { ref: 'HEAD', why: 'HEAD (no release tag, no main branch)' };
    }
  }
}

/** `generated/openapi.json` at a ref (committed and drift-checked, so it is the spec of that commit). */
export function specAt(ref: string): any {
  return JSON.parse(git(['show', `${ref}:generated/openapi.json`]));
}

export function workingSpec(): any {
  return JSON.parse(readFileSync(join(ROOT, 'generated/openapi.json'), 'utf8'));
}

export function resolveRef(ref: string): string {
  return git(['rev-parse', '--short', ref]);
}
