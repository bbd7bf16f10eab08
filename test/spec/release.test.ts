/**
 * `npm run release -- patch` on a clone of this repository (nothing pushed anywhere): the spec's and the SDK's
 * versions move together, the SDK's SPEC_VERSION follows, the changelog gets the entry and the tag is made.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'hoody-release-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run release', () => {
  it('patch: bumps the spec and the SDK together, regenerates, writes the changelog and tags', () => {
    const clone = join(work, 'repo');
    execFileSync('git', ['clone', '-q', ROOT, clone]);
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Release Test', '-c', 'user.email=release@example.com', ...args], { cwd: clone, encoding: 'utf8' }).trim();
    git('config', 'user.name', 'Release Test');
    git('config', 'user.email', 'release@example.com');
    const before = JSON.parse(readFileSync(join(clone, 'generated/openapi.json'), 'utf8')).info.version as string;
    const [major, minor, patch] = before.split('.').map(Number);
    const next = `${major}.${minor}.${patch! + 1}`;

    execFileSync(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/release.ts', 'patch'], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

    expect(git('tag', '--list', 'v*')).toContain(`v${next}`);
    expect(git('status', '--porcelain')).toBe('');
    expect(JSON.parse(readFileSync(join(clone, 'generated/openapi.json'), 'utf8')).info.version).toBe(next);
    expect(JSON.parse(readFileSync(join(clone, 'packages/sdk/package.json'), 'utf8')).version).toBe(next);
    expect(readFileSync(join(clone, 'generated/operations.gen.ts'), 'utf8')).toContain(`export const SPEC_VERSION = "${next}";`);
    expect(readFileSync(join(clone, 'CHANGELOG.md'), 'utf8')).toContain(`## ${next} (`);
    expect(readFileSync(join(clone, 'docs/site/index.html'), 'utf8')).toContain(next);
  }, 180_000);
});
