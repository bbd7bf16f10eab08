/**
 * `npm run changelog [-- --from <ref|none>] [--version <x.y.z>] [--date <yyyy-mm-dd>]`: writes the CHANGELOG.md entry
 * of the spec in the working tree, from the spec diff against `--from` (by default the last release tag, else the
 * merge base with main; `none` for a first release, which lists every operation). Grouped by operation, breaking
 * first, each with its SDK method. An entry for the same version is replaced, so running it twice changes nothing.
 * The docs site shows CHANGELOG.md (scripts/build-docs-site.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { classifySpecDiff, type SpecChange } from './classify.js';
import { defaultBase, ROOT, specAt, workingSpec } from './git-specs.js';

const HEADER = '# Changelog\n\nChanges to the Hoody user API contract, written by `npm run changelog` from the spec diff. Breaking changes come first.\n';
const SHOWN_PER_OPERATION = 4;

function sdkMethod(operationId: string | undefined): string {
  return operationId ? ` (\`client.api.${operationId}\`)` : '';
}

export function renderEntry(version: string, date: string, changes: SpecChange[], since: string | undefined): string {
  const lines = [`## ${version} (${date})`, '', since ? `Compared with ${since}.` : 'First release of the contract.', ''];
  for (const kind of ['breaking', 'non-breaking'] as const) {
    const ofKind = changes.filter((change) => change.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push(kind === 'breaking' ? '### Breaking' : since ? '### Other changes' : '### Operations', '');
    const byOperation = new Map<string, SpecChange[]>();
    for (const change of ofKind)
      byOperation.set(change.operationId ?? change.path ?? '', [...(byOperation.get(change.operationId ?? change.path ?? '') ?? []), change]);
    for (const [operation, list] of byOperation) {
      const first = list[0]!;
      const shown = list.slice(0, SHOWN_PER_OPERATION).map((change) => change.description.replace(/`/g, "'"));
      const more = list.length > SHOWN_PER_OPERATION ? `; and ${list.length - SHOWN_PER_OPERATION} more` : '';
      lines.push(`- \`${operation}\`${sdkMethod(first.operationId)}, \`${first.method ?? ''} ${first.path ?? ''}\`: ${shown.join('; ')}${more}`);
    }
    lines.push('');
  }
  if (changes.length === 0) lines.push('No change to the contract.', '');
  return lines.join('\n');
}

/** All operations of a spec as "added": the first release's entry. */
function everythingAdded(spec: any): SpecChange[] {
  return Object.entries<any>(spec.paths).flatMap(([path, item]) =>
    Object.entries<any>(item)
      .filter(([, operation]) => operation?.operationId)
      .map(([method, operation]) => ({
        kind: 'non-breaking' as const,
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        description: operation.summary ?? 'operation added',
        id: `${operation.operationId} add`,
      })),
  );
}

export function writeChangelog(options: { from?: string; version?: string; date?: string }): string {
  const after = workingSpec();
  const from = options.from ?? defaultBase().ref;
  const version = options.version ?? after.info.version;
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const changes = from === 'none' ? everythingAdded(after) : classifySpecDiff(specAt(from), after);
  const since = from === 'none' ? undefined : `${specAt(from).info.version} (\`${from}\`)`;
  const entry = renderEntry(version, date, changes, since);
  const path = join(ROOT, 'CHANGELOG.md');
  const current = existsSync(path) ? readFileSync(path, 'utf8') : HEADER;
  const entries = current.slice(current.indexOf('\n## ') + 1 || current.length);
  const kept = entries.split(/\n(?=## )/).filter((block) => block.trim() && !block.startsWith(`## ${version} `));
  writeFileSync(path, [HEADER.trimEnd(), '', entry.trimEnd(), ...kept.map((block) => block.trimEnd())].join('\n\n').replace(/\n{3,}/g, '\n\n') + '\n');
  return path;
}

if (process.argv[1]?.endsWith('changelog.ts')) {
  const { values } = parseArgs({ options: { from: { type: 'string' }, version: { type: 'string' }, date: { type: 'string' } } });
  console.log(`wrote ${writeChangelog(values)}`);
}
