/** Clears the coverage records of the previous run, so the report after `vitest run` counts this run only. */
import { rmSync } from 'node:fs';
import { ROOT } from './cli.js';

export default function setup() {
  rmSync(`${ROOT}test-results/coverage`, { recursive: true, force: true });
}
