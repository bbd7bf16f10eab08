/**
 * The SDK as another project gets it: `npm pack` of packages/sdk, installed from the tarball into a fresh project
 * outside this repository, type-checked under the strictest settings frontends and Node services use, bundled for
 * the browser, and its MSW handlers run. Prints the tarball's and the browser bundle's sizes.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const STRICT = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  erasableSyntaxOnly: true,
  verbatimModuleSyntax: true,
  skipLibCheck: false,
  noEmit: true,
  target: 'ES2022',
  lib: ['ES2022', 'DOM', 'DOM.Iterable'],
  types: [],
};
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
const run = (file: string, args: string[], cwd: string) =>
  execFileSync(file, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
  });

let project: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'hoody-sdk-consumer-'));
  run('npm', ['run', '--silent', 'build', '-w', '@hoody/sdk'], ROOT);
  const packed = JSON.parse(run('npm', ['pack', '--json', '-w', '@hoody/sdk', '--pack-destination', project], ROOT)) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  tarball = join(project, packed[0]!.filename);
  files = packed[0]!.files.map((f) => f.path);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // The SDK itself needs nothing from the registry.
  run('npm', ['install', '--offline', '--no-package-lock', tarball], project);
  cpSync(join(ROOT, 'test/sdk/consumer'), join(project, 'src'), { recursive: true });
}, 180_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('@hoody/sdk as a package', () => {
  it('packs small, with no server code and no runtime dependencies', () => {
    const size = statSync(tarball).size;
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/@hoody/sdk/package.json'), 'utf8'));
    console.log(`npm pack: ${(size / 1024).toFixed(1)} KiB, ${files.length} files`);
    expect(size).toBeLessThan(100 * 1024);
    expect(files.filter((path) => !/^(dist\/(packages\/sdk\/src|generated)\/|package\.json$|README\.md$)/.test(path))).toEqual([]);
    expect(files.filter((path) => /store|handlers\/|http\/|pipeline|main\./.test(path))).toEqual([]);
    expect([manifest.dependencies, manifest.sideEffects, Object.keys(manifest.exports)]).toEqual([undefined, false, ['.', './msw', './package.json']]);
  });

  it.each([
    ['bundler', { module: 'ESNext', moduleResolution: 'bundler' }],
    ['nodenext', { module: 'NodeNext', moduleResolution: 'nodenext' }],
  ])('type-checks a consumer under strict flags with moduleResolution %s', (name, resolution) => {
    writeFileSync(
      join(project, `tsconfig.${name}.json`),
      JSON.stringify({ compilerOptions: { ...STRICT, ...resolution }, files: ['src/client-usage.ts', 'src/browser-entry.ts'] }),
    );
    expect(run(bin('tsc'), ['-p', `tsconfig.${name}.json`], project)).toBe('');
  });

  it('bundles for the browser with no Node built-ins; the client core is small', () => {
    const out = join(project, 'bundle.js');
    run(bin('esbuild'), ['src/browser-entry.ts', '--bundle', '--minify', '--format=esm', '--platform=browser', `--outfile=${out}`], project);
    const code = readFileSync(out);
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(`browser bundle of the client core: ${(code.length / 1024).toFixed(1)} KiB minified, ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
    expect(code.toString()).not.toMatch(/\bnode:|require\(/);
    expect(gzipped).toBeLessThanOrEqual(8 * 1024);
  });

  it('its MSW handlers type-check and answer in a consumer test', () => {
    const versions = (name: string) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-package-lock',
        tarball,
        `msw@${versions('msw')}`,
        `ajv@${versions('ajv')}`,
        `ajv-formats@${versions('ajv-formats')}`,
      ],
      project,
    );
    writeFileSync(
      join(project, 'tsconfig.msw.json'),
      JSON.stringify({
        compilerOptions: { ...STRICT, module: 'NodeNext', moduleResolution: 'nodenext', skipLibCheck: true, types: [] },
        files: ['src/msw-usage.ts'],
      }),
    );
    expect(run(bin('tsc'), ['-p', 'tsconfig.msw.json'], project)).toBe('');
    run(bin('esbuild'), ['src/msw-usage.ts', '--format=esm', '--platform=node', '--outfile=msw-usage.mjs'], project);
    expect(JSON.parse(run('node', ['msw-usage.mjs'], project))).toEqual({ found: 'john_doe', missing: 'USER_NOT_FOUND' });
  });
});
