/**
 * `npm run docs:site`: the static HTML reference (docs/site/index.html) built by Redocly from the bundled spec,
 * with Redoc's scripts inlined so that the page works offline. Redoc's attribution badge loads its logo from
 * cdn.redoc.ly; that one image is replaced by an inline SVG of the same text, so no request leaves the page.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { siteSpec } from './docs/site-spec.js';
import { withAccessibility } from './docs/site-a11y.js';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const output = join(root, 'docs/site/index.html');

// The site is built from a copy of the bundle that carries what the Markdown pages carry (scripts/docs/site-spec.ts)
// and the changelog: Redoc renders the headings of `info.description` as sections of its sidebar.
const changelogPath = join(root, 'CHANGELOG.md');
const spec = siteSpec(
  JSON.parse(readFileSync(join(root, 'generated/openapi.json'), 'utf8')),
  existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : undefined,
);
const work = mkdtempSync(join(tmpdir(), 'hoody-docs-'));
const specFile = join(work, 'openapi.json');
writeFileSync(specFile, JSON.stringify(spec));

execFileSync(join(root, 'node_modules/.bin/redocly'), ['build-docs', specFile, '--inlineBundle', '--title', 'Hoody User API', '--output', output], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
});

const logo = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="16"><text x="0" y="12" font-family="sans-serif" font-size="12">Redocly</text></svg>')}`;
const html = readFileSync(output, 'utf8').replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg/g, logo);
if (/https:\/\/cdn\.redoc\.ly\/redoc\/logo/.test(html)) throw new Error('the Redoc logo URL is still in the page');
writeFileSync(output, withAccessibility(html));
rmSync(work, { recursive: true, force: true });
console.log(`built ${output}`);
