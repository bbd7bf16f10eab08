/**
 * Imports point one way. Every source file belongs to a layer, and may import only its own layer and the layers
 * below it (type-only imports included): the spec is read by everything, the store knows nothing of who calls it,
 * handlers know nothing of HTTP, and only the entry wires handlers into the app. ARCHITECTURE.md explains the layers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

/** Lowest first. A path belongs to the first layer whose prefix it starts with. */
const LAYERS: Array<[layer: string, prefixes: string[]]> = [
  ['base', ['generated/', 'src/errors.ts', 'src/log.ts', 'src/paths.ts']],
  ['spec', ['src/spec/']],
  ['store', ['src/store/']],
  ['domain and auth', ['src/domain/', 'src/auth/']],
  ['handlers', ['src/handlers/']],
  ['pipeline', ['src/pipeline/']],
  ['http', ['src/http/']],
  ['entry', ['src/main.ts', 'src/config.ts', 'src/cluster.ts', 'src/dev/']],
];
const SDK = 'packages/sdk/src/';

function layerOf(path: string): number {
  const index = LAYERS.findIndex(([, prefixes]) => prefixes.some((prefix) => path.startsWith(prefix)));
  if (index < 0) throw new Error(`${path} belongs to no layer: add it to LAYERS (and ARCHITECTURE.md)`);
  return index;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(`${dir}${entry.name}/`) : entry.name.endsWith('.ts') ? [`${dir}${entry.name}`] : [],
  );
}

/** Every relative import of the source tree, as repository paths. */
const edges = [...sourceFiles('src/'), ...sourceFiles(SDK)].flatMap((from) =>
  [...readFileSync(join(ROOT, from), 'utf8').matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)].map(([, specifier]) => ({
    from,
    to: relative(ROOT, resolve(ROOT, dirname(from), specifier)).replace(/\.js$/, '.ts'),
  })),
);

describe('imports', () => {
  it('were found', () => {
    expect(edges.length).toBeGreaterThan(100);
  });

  it('never point to a higher layer', () => {
    const upward = edges
      .filter(({ from }) => !from.startsWith(SDK))
      .filter(({ from, to }) => layerOf(to) > layerOf(from))
      .map(({ from, to }) => `${from} (${LAYERS[layerOf(from)][0]}) -> ${to} (${LAYERS[layerOf(to)][0]})`);
    expect(upward).toEqual([]);
  });

  it('the SDK package imports only generated code and itself (it ships to browsers)', () => {
    const outside = edges.filter(({ from, to }) => from.startsWith(SDK) && !to.startsWith(SDK) && !to.startsWith('generated/'));
    expect(outside).toEqual([]);
  });

  it('only the entry wires in the concrete handler map; the pipeline takes it as a dependency', () => {
    const importers = edges.filter(({ to }) => to === 'src/handlers/index.ts').map(({ from }) => from);
    expect(importers).toEqual(['src/main.ts']);
  });

  it('the check is not vacuous: an import from the store into the handlers is upward', () => {
    expect(layerOf('src/handlers/vault.ts')).toBeGreaterThan(layerOf('src/store/types.ts'));
  });
});
