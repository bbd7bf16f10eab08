/**
 * Prints which (operation, status, code) of the spec a test suite made the server produce, from the records the
 * tests write (test-results/coverage/ for every in-process server test, test-results/contract-coverage/ for the
 * contract suite), and exits 1 if any documented code was never produced. Run by `npm test` after vitest. The
 * `default` response (500/503) is left out: it documents failures the tests provoke separately.
 *
 * Usage: tsx scripts/coverage-report.ts [records dir] [title]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { codesAt, listOperations, loadSpec } from '../src/spec/operations.js';

const root = resolve(import.meta.dirname, '..');
const dir = resolve(root, process.argv[2] ?? 'test-results/coverage');
const title = process.argv[3] ?? 'Server coverage';
const seen = new Set<string>();
if (existsSync(dir)) {
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean)) {
      const { operationId, status, code } = JSON.parse(line);
      seen.add(`${operationId} ${status} ${code ?? '-'}`);
    }
  }
}

const spec = loadSpec();
const rows: { operationId: string; status: string; code: string; hit: boolean }[] = [];
for (const op of listOperations(spec)) {
  for (const status of Object.keys(op.operation.responses)) {
    if (status === 'default') continue;
    const codes = op.errorCodes.has(status) ? codesAt(op, status) : ['-'];
    for (const code of codes) rows.push({ operationId: op.operationId, status, code, hit: seen.has(`${op.operationId} ${status} ${code}`) });
  }
}

const width = Math.max(...rows.map((r) => r.operationId.length));
const lines = rows.map((r) => `${r.hit ? 'ok     ' : 'MISSING'}  ${r.operationId.padEnd(width)}  ${r.status}  ${r.code}`);
const missing = rows.filter((r) => !r.hit);
console.log(['', `${title}: operation x documented status x error code`, ...lines].join('\n'));
console.log(`\n${title}: ${rows.length - missing.length} of ${rows.length} (operation, status, code) produced; ${missing.length} missing.`);
process.exit(missing.length === 0 ? 0 : 1);
