/**
 * `npm run check:breaking [-- --base <git ref>]`: the breaking-change gate. Compares the spec in the working tree
 * (generated/openapi.json, which the drift check keeps equal to openapi/) with the spec at a base: by default the
 * last release tag, else the merge base with main. Lists every change, breaking first, and fails on a breaking one
 * unless the spec's `info.version` major was raised, or `openapi/breaking-changes-allowed.yaml` names the change
 * (its `id` as printed) with the reason it is acceptable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { classifySpecDiff, majorOf } from './classify.js';
import { defaultBase, resolveRef, ROOT, specAt, workingSpec } from './git-specs.js';

const { values } = parseArgs({ options: { base: { type: 'string' } } });
const base = values.base ? { ref: values.base, why: 'as asked' } : defaultBase();
const before = specAt(base.ref);
const after = workingSpec();
const changes = classifySpecDiff(before, after);
const breaking = changes.filter((change) => change.kind === 'breaking');

const allowancePath = join(ROOT, 'openapi/breaking-changes-allowed.yaml');
const allowances: Array<{ id: string; reason: string }> = existsSync(allowancePath) ? (parse(readFileSync(allowancePath, 'utf8'))?.allowed ?? []) : [];
const allowed = new Set(allowances.filter((entry) => entry.reason?.trim()).map((entry) => entry.id));
const majorRaised = majorOf(after.info.version) > majorOf(before.info.version);

console.log(`spec ${before.info.version} at ${base.ref} (${resolveRef(base.ref)}, ${base.why}) -> ${after.info.version} in the working tree`);
for (const change of breaking) {
  const mark = allowed.has(change.id) ? 'BREAKING (allowed)' : 'BREAKING';
  console.log(`  ${mark.padEnd(18)} ${change.operationId ?? change.path} (${change.method ?? ''} ${change.path ?? ''}): ${change.description}`);
  console.log(`  ${' '.repeat(18)} id: ${change.id}`);
}
// Non-breaking changes, a few per operation (the changelog has them all).
const nonBreaking = new Map<string, string[]>();
for (const change of changes.filter((c) => c.kind === 'non-breaking')) {
  const operation = change.operationId ?? change.path ?? '';
  nonBreaking.set(operation, [...(nonBreaking.get(operation) ?? []), change.description]);
}
for (const [operation, descriptions] of nonBreaking) {
  for (const description of descriptions.slice(0, 3)) console.log(`  ${'non-breaking'.padEnd(18)} ${operation}: ${description}`);
  if (descriptions.length > 3) console.log(`  ${'non-breaking'.padEnd(18)} ${operation}: and ${descriptions.length - 3} more`);
}
const refused = breaking.filter((change) => !allowed.has(change.id));
if (breaking.length === 0) console.log(`no breaking change (${changes.length} non-breaking)`);
else if (majorRaised) console.log(`${breaking.length} breaking change(s), accepted: info.version's major was raised`);
else if (refused.length === 0) console.log(`${breaking.length} breaking change(s), each allowed in openapi/breaking-changes-allowed.yaml`);
else {
  console.error(
    `${refused.length} breaking change(s) for clients. Raise info.version's major (npm run release -- major), or, after review, name each ` +
      `in openapi/breaking-changes-allowed.yaml as { id: "<id above>", reason: "<why clients are not hurt>" }.`,
  );
  process.exit(1);
}
