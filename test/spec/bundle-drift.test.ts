import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPEC_PATH } from '../../src/spec/operations.js';
import { runBin } from '../support/cli.js';

describe('generated/openapi.json', () => {
  it('is exactly what `npm run bundle` makes from openapi/ now', () => {
    const fresh = join(mkdtempSync(join(tmpdir(), 'bundle-drift-')), 'openapi.json');
    runBin('tsx', ['scripts/bundle.ts', fresh]);
    expect(readFileSync(SPEC_PATH, 'utf8'), 'run `npm run generate` and commit generated/').toBe(readFileSync(fresh, 'utf8'));
  });
});
