import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

describe('spec security lint', () => {
  it("has 0 problems under Spectral's OWASP API Security ruleset (.spectral.yaml)", () => {
    const report = JSON.parse(runBin('spectral', ['lint', 'generated/openapi.json', '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet']) || '[]');
    expect(report.map((p: { code: string; path: string[] }) => `${p.code} ${p.path.join('.')}`)).toEqual([]);
  });
});
