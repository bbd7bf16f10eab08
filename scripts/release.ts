/**
 * `npm run release -- <major|minor|patch>`: one version for the contract and the SDK. From a clean work tree:
 * bumps `info.version` (openapi/openapi.yaml) and the `@hoody/sdk` version together, regenerates code and docs (the
 * SDK's SPEC_VERSION follows), runs the breaking-change gate against the last release tag (a breaking change needs
 * `major`), writes the CHANGELOG.md entry, and commits and tags `vX.Y.Z`. Pushing the tag is left to the releaser.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeChangelog } from './spec-diff/changelog.js';
import { defaultBase, ROOT } from './spec-diff/git-specs.js';

const level = process.argv[2];
if (level !== 'major' && level !== 'minor' && level !== 'patch') {
  console.error('usage: npm run release -- <major|minor|patch>');
  process.exit(2);
}
const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (run('git', ['status', '--porcelain']).trim()) {
  console.error('release: the work tree has uncommitted changes; commit or stash them first');
  process.exit(1);
}

const specPath = join(ROOT, 'openapi/openapi.yaml');
const specText = readFileSync(specPath, 'utf8');
const current = specText.match(/^info:\n(?:[ ].*\n)*?  version: (\d+)\.(\d+)\.(\d+)\n/m);
if (!current) throw new Error('openapi/openapi.yaml has no info.version line');
const [major, minor, patch] = current.slice(1, 4).map(Number) as [number, number, number];
const next = level === 'major' ? `${major + 1}.0.0` : level === 'minor' ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
const base = defaultBase();
const hasTag = base.why === 'the last release tag';

writeFileSync(specPath, specText.replace(current[0], current[0].replace(/version: [\d.]+/, `version: ${next}`)));
for (const file of ['packages/sdk/package.json']) {
  const manifest = JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
  manifest.version = next;
  writeFileSync(join(ROOT, file), JSON.stringify(manifest, null, 2) + '\n');
}
const lockPath = join(ROOT, 'package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
if (lock.packages?.['packages/sdk']) lock.packages['packages/sdk'].version = next;
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');

try {
  run('npm', ['run', '--silent', 'generate']);
  if (hasTag) process.stdout.write(run('npx', ['tsx', 'scripts/spec-diff/check-breaking.ts', '--base', base.ref]));
  writeChangelog({ from: hasTag ? base.ref : 'none', version: next });
  run('npm', ['run', '--silent', 'docs']);
} catch (failure) {
  console.error(`release ${next} stopped; the work tree is put back as it was`);
  run('git', ['checkout', '--', '.']);
  run('git', ['clean', '-fdq', '--', 'CHANGELOG.md']);
  throw failure;
}
run('git', ['add', '-A']);
run('git', ['commit', '-qm', `Release v${next}: the contract and @hoody/sdk ${next}`]);
run('git', ['tag', '-a', `v${next}`, '-m', `Hoody user API ${next}`]);
console.log(`released v${next} (tag made; push it with: git push --follow-tags)`);
