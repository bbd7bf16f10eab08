import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

describe('spec lint', () => {
  it('has 0 errors and 0 warnings under redocly.yaml', () => {
    const report = JSON.parse(runBin('redocly', ['lint', '--format=json']));
    const problems = report.problems.map((p: { ruleId: string; message: string }) => `${p.ruleId}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});
