/**
 * A small deterministic generator for the property tests, so a failure replays: `draw(n)` answers an integer in
 * [0, n).
 */
export function seededDraw(seed: number): (n: number) => number {
  let state = seed;
  return (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return Math.floor((state / 2 ** 31) * n);
  };
}
