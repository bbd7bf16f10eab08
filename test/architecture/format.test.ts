/** One formatter, one width (.prettierrc.json), checked here and in `npm run lint`: `npm run format` fixes it. */
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

describe('formatting', () => {
  it('every source file is as Prettier writes it', () => {
    expect(() => runBin('prettier', ['--check', '.'])).not.toThrow();
  });
});
