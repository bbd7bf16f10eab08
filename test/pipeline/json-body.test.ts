/**
 * A body nested deeper than MAX_JSON_DEPTH is refused before JSON.parse (src/pipeline/json-body.ts). Most bodies skip
 * the character-by-character depth scan because they hold too few opening brackets to be that deep; the answer must
 * be the same as the scan's for any body, wherever its brackets sit (in strings too, which do not nest).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { MAX_JSON_DEPTH, parseJsonBody } from '../../src/pipeline/json-body.js';

const refusedForDepth = (text: string) => {
  try {
    parseJsonBody(text);
    return false;
  } catch (failure) {
    return failure instanceof ApiError && JSON.stringify(failure.toEnvelope()).includes('nested deeper');
  }
};

/** Nesting `depth` levels deep (the body itself is level 1), arrays and objects mixed, with `filler` strings beside. */
const nested = (depth: number, kinds: boolean[], filler: string) => {
  let text = JSON.stringify(filler);
  for (let level = depth; level >= 1; level -= 1) text = kinds[level % kinds.length] ? `[${JSON.stringify(filler)},${text}]` : `{"k":${text}}`;
  return text;
};

describe('a body’s nesting', () => {
  it('is refused exactly when deeper than MAX_JSON_DEPTH, with brackets in its strings or not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_JSON_DEPTH * 2 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        fc.stringMatching(/^[a-z[\]{}]{0,200}$/),
        (depth, kinds, filler) => {
          expect(refusedForDepth(nested(depth, kinds, filler))).toBe(depth > MAX_JSON_DEPTH);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('at the edge: 64 levels pass and 65 do not, and a string of 10,000 brackets is not nesting', () => {
    expect(refusedForDepth(nested(MAX_JSON_DEPTH, [false], 'x'))).toBe(false);
    expect(refusedForDepth(nested(MAX_JSON_DEPTH + 1, [false], 'x'))).toBe(true);
    expect(refusedForDepth(nested(MAX_JSON_DEPTH + 1, [true], 'x'))).toBe(true);
    expect(parseJsonBody(JSON.stringify({ value: '[{'.repeat(5_000) }))).toEqual({ value: '[{'.repeat(5_000) });
  });
});
