/** The time text made once a millisecond (src/domain/dates.ts) is `toISOString`'s, whatever order the instants come in. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTextOnceAMillisecond } from '../../src/domain/dates.js';

describe('isoTextOnceAMillisecond', () => {
  it("answers each instant's toISOString, for instants repeated, going forward and going back", () => {
    const instant = fc.integer({ min: 0, max: 4_102_444_800_000 });
    fc.assert(
      fc.property(fc.array(fc.oneof(instant, fc.constant(1_764_720_000_000), fc.constant(1_764_720_000_001)), { maxLength: 50 }), (instants) => {
        const isoText = isoTextOnceAMillisecond();
        expect(instants.map(isoText)).toEqual(instants.map((ms) => new Date(ms).toISOString()));
      }),
    );
  });

  it('throws for an instant with no date, as toISOString does', () => {
    expect(() => isoTextOnceAMillisecond()(Number.NaN)).toThrow(RangeError);
  });
});
