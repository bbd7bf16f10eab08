/**
 * Redocly Respect runs the Arazzo workflows of test/contract/workflows/ (the main user journeys) against the
 * started server: every step's status and its body against the spec, and the workflows' own success criteria.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/store/demo-data.js';
import { ROOT } from '../support/cli.js';
import { startServerProcess } from '../support/process.js';

const run = promisify(execFile);

describe('Redocly Respect on the user journeys', () => {
  it('passes every workflow, step and check against the started server', async () => {
    const server = await startServerProcess();
    try {
      const jwt = (user: string) => server.output().match(new RegExp(`${user} +(\\S+)`))![1];
      const report = join(mkdtempSync(join(tmpdir(), 'respect-')), 'report.json');
      const inputs = {
        jwt: jwt('john_doe'),
        alias: 'Respect token',
        realm: '507f1f77bcf86cd799439012',
        janeJwt: jwt('jane_roe'),
        janeId: DEMO_USERS.jane_roe.id,
        janePassword: DEMO_USERS.jane_roe.password,
        newPassword: 'Brand-New-Passw0rd-1',
      };
      const args = ['respect', 'test/contract/workflows/user-journeys.arazzo.yaml', '--server', `hoody=${server.url}`, '-J', report];
      for (const [name, value] of Object.entries(inputs)) args.push('--input', `${name}=${value}`);
      const result = await run(`${ROOT}node_modules/.bin/redocly`, args, { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1' } }).catch(
        (failure) => failure,
      );
      const json = JSON.parse(readFileSync(report, 'utf8'));
      const workflows = (Object.values<any>(json.files)[0].executedWorkflows as any[]) ?? [];
      console.log(`respect: ${workflows.length} workflows, ${workflows.filter((w) => w.status === 'success').length} passed`);
      expect(result.code ?? 0, String(result.stdout ?? '').slice(-3000)).toBe(0);
      expect(workflows.map((w) => [w.workflowId, w.status])).toEqual([
        ['token-lifecycle', 'success'],
        ['vault', 'success'],
        ['password-change', 'success'],
        ['activity-filters', 'success'],
      ]);
    } finally {
      await server.stop();
    }
  });
});
