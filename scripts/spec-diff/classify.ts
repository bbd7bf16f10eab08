/**
 * The spec diff every release decision reads: api-smart-diff compares two bundled specs and classifies each change
 * for clients (it follows `$ref`s, so a change to a shared schema shows on each operation that uses it); this adds
 * the project's own rules on top, where its classification does not fit this API's promises:
 *
 * - an `operationId` is an SDK method name (`vault.getStats` is `client.api.vault.getStats`): renaming it is breaking;
 * - `x-error-codes`: removing a code a response documents is breaking (clients handle it), adding one is not;
 * - `x-permission`: requiring another token permission is breaking (tokens made for it stop working);
 * - a changed `type` is breaking in either direction (the SDK's types change under the client);
 * - component diffs are dropped: every one that matters appears under the operations that use it.
 */
import { apiCompare } from 'api-smart-diff';

export type ChangeKind = 'breaking' | 'non-breaking';
export type SpecChange = {
  kind: ChangeKind;
  /** The operation it concerns (its SDK method is the same name), or undefined for a document-wide change. */
  operationId: string | undefined;
  method: string | undefined;
  path: string | undefined;
  /** What changed, where, in words. */
  description: string;
  /** A stable name of the change, for the allowance file: `<operationId> <action> <JSON pointer below the operation>`. */
  id: string;
};

type Diff = { action: string; path: Array<string | number>; type: string; description?: string; before?: unknown; after?: unknown };
type Spec = { paths: Record<string, Record<string, { operationId?: string }>>; info: { version: string } };

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

function projectKind(diff: Diff, tail: Array<string | number>): ChangeKind {
  const key = String(tail.at(-1) ?? '');
  const parent = String(tail.at(-2) ?? '');
  if (key === 'operationId' && tail.length === 1) return diff.action === 'add' ? 'non-breaking' : 'breaking';
  if (parent === 'x-error-codes' || key === 'x-error-codes') return diff.action === 'remove' ? 'breaking' : 'non-breaking';
  if (key === 'code' && tail.includes('x-error-codes')) return 'breaking';
  if (key === 'x-permission' && tail.length === 1) return diff.action === 'remove' ? 'non-breaking' : 'breaking';
  if (key === 'type' && diff.action === 'replace' && tail.includes('schema')) return 'breaking';
  return diff.type === 'breaking' ? 'breaking' : 'non-breaking';
}

export function classifySpecDiff(before: Spec, after: Spec): SpecChange[] {
  const { diffs } = apiCompare(before, after) as { diffs: Diff[] };
  const changes: SpecChange[] = [];
  const seen = new Set<string>();
  for (const diff of diffs) {
    if (diff.path[0] !== 'paths') continue;
    const [, path, method, ...tail] = diff.path.map(String);
    const isOperation = method !== undefined && METHODS.has(method);
    const operation = isOperation ? (after.paths[path!]?.[method!] ?? before.paths[path!]?.[method!]) : undefined;
    const operationId = diff.action === 'replace' && tail.join('/') === 'operationId' ? String(diff.before) : operation?.operationId;
    const kind = isOperation && tail.length === 0 ? (diff.action === 'add' ? 'non-breaking' : 'breaking') : projectKind(diff, tail);
    const where = tail.length ? `/${tail.join('/')}` : '';
    const id = `${operationId ?? path} ${diff.action}${where}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const value = (v: unknown) => (v === undefined ? '' : JSON.stringify(v).slice(0, 80));
    const description =
      isOperation && tail.length === 0
        ? `operation ${diff.action === 'add' ? 'added' : 'removed'}`
        : `${diff.action} ${where || path}${diff.action === 'replace' ? `: ${value(diff.before)} -> ${value(diff.after)}` : diff.action === 'add' ? `: ${value(diff.after)}` : ''}`;
    changes.push({ kind, operationId, method: isOperation ? method!.toUpperCase() : undefined, path, description, id });
  }
  return changes.sort((a, b) => (a.kind === b.kind ? (a.operationId ?? '').localeCompare(b.operationId ?? '') : a.kind === 'breaking' ? -1 : 1));
}

export const majorOf = (version: string) => Number(version.split('.')[0]);
