/**
 * The breaking-change gate's classification, one fixture pair per rule class: a base spec
 * (test/fixtures/spec-diff/base.json) and the same spec with one change, each asserting exactly which operations
 * get which kind of change. Then the gate itself: on this repository against its own HEAD it passes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifySpecDiff } from '../../scripts/spec-diff/classify.js';
import { ROOT } from '../support/cli.js';

const base = JSON.parse(readFileSync(`${ROOT}test/fixtures/spec-diff/base.json`, 'utf8'));
type Spec = typeof base;
const list = (s: Spec) => s.paths['/items'].get;
const create = (s: Spec) => s.paths['/items'].post;
const get = (s: Spec) => s.paths['/items/{id}'].get;

const cases: Array<[name: string, change: (s: Spec) => void, expected: string[]]> = [
  // Breaking for clients: requests they send stop being valid, or answers they read change under them.
  [
    'new required query parameter',
    (s) => list(s).parameters.push({ name: 'owner', in: 'query', required: true, schema: { type: 'string' } }),
    ['breaking items.list'],
  ],
  ['new required body field', (s) => s.components.schemas.ItemInput.required.push('kind'), ['breaking items.create']],
  ['request enum narrowed', (s) => (list(s).parameters[1].schema.enum = ['open', 'closed']), ['breaking items.list']],
  ['request pattern narrowed', (s) => (s.components.schemas.ItemInput.properties.name.pattern = '^[a-z]+$'), ['breaking items.create']],
  ['request limit narrowed', (s) => (list(s).parameters[0].schema.maximum = 50), ['breaking items.list']],
  ['request type changed', (s) => (s.components.schemas.ItemInput.properties.name.type = 'integer'), ['breaking items.create']],
  ['operation removed', (s) => delete s.paths['/items'].post, ['breaking items.create']],
  ['parameter removed', (s) => list(s).parameters.pop(), ['breaking items.list']],
  ['response field removed', (s) => delete s.components.schemas.Item.properties.kind, ['breaking items.create', 'breaking items.get', 'breaking items.list']],
  ['response status removed', (s) => delete get(s).responses['404'], ['breaking items.get']],
  [
    'response enum widened',
    (s) => s.components.schemas.Item.properties.kind.enum.push('huge'),
    ['breaking items.create', 'breaking items.get', 'breaking items.list'],
  ],
  [
    'response type changed',
    (s) => (s.components.schemas.Item.properties.name.type = 'integer'),
    ['breaking items.create', 'breaking items.get', 'breaking items.list'],
  ],
  ['error code removed from a response', (s) => create(s).responses['400']['x-error-codes'].pop(), ['breaking items.create']],
  ['operationId changed (an SDK method renamed)', (s) => (get(s).operationId = 'items.fetch'), ['breaking items.get']],
  ['permission changed', (s) => (get(s)['x-permission'] = 'items.admin'), ['breaking items.get']],
  // Non-breaking: additions a client may ignore, and wider requests.
  [
    'operation added',
    (s) => (s.paths['/items/{id}'].delete = { operationId: 'items.delete', responses: { '204': { description: 'Deleted' } } }),
    ['non-breaking items.delete'],
  ],
  ['optional query parameter added', (s) => list(s).parameters.push({ name: 'q', in: 'query', schema: { type: 'string' } }), ['non-breaking items.list']],
  ['optional body field added', (s) => (s.components.schemas.ItemInput.properties.note = { type: 'string' }), ['non-breaking items.create']],
  [
    'response field added',
    (s) => (s.components.schemas.Item.properties.note = { type: 'string' }),
    ['non-breaking items.create', 'non-breaking items.get', 'non-breaking items.list'],
  ],
  ['error code documented', (s) => get(s).responses['404']['x-error-codes'].push({ code: 'ITEM_GONE', title: 'Gone' }), ['non-breaking items.get']],
  ['request limit widened', (s) => (s.components.schemas.ItemInput.properties.name.maxLength = 100), ['non-breaking items.create']],
  ['operation deprecated', (s) => (get(s).deprecated = true), ['non-breaking items.get']],
  ['description reworded', (s) => (get(s).responses['200'].description = 'The item, as stored'), ['non-breaking items.get']],
];

describe('the spec diff classification', () => {
  it.each(cases)('%s', (_name, change, expected) => {
    const after = structuredClone(base);
    change(after);
    const found = [...new Set(classifySpecDiff(base, after).map((c) => `${c.kind} ${c.operationId}`))].sort();
    expect(found).toEqual(expected);
  });

  it('no change, no entry', () => {
    expect(classifySpecDiff(base, structuredClone(base))).toEqual([]);
  });
});

describe('npm run check:breaking', () => {
  it('passes on this repository against its own HEAD', () => {
    const output = execFileSync(`${ROOT}node_modules/.bin/tsx`, ['scripts/spec-diff/check-breaking.ts', '--base', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
    expect(output).toMatch(/no breaking change/);
  });
});
