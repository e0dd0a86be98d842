import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addRule, entryChanges, explain, forApply, reaches, removeRule, ruleList, rulesOf } from './reachability.js';
import type { TsbObject } from './wire.js';

const setting = (map?: Record<string, string>): TsbObject => ({
  apiVersion: 'api.tsb.tetrate.io/v2',
  kind: 'OrganizationSetting',
  metadata: { organization: 'tetrate', name: 'default', resourceVersion: '7' },
  spec: map === undefined ? {} : { networkSettings: { networkReachability: map } },
  status: { state: 'READY' },
});

const clusters = [
  { name: 'cluster-1', network: 'cluster-1-network' },
  { name: 'cluster-2', network: 'cluster-2-network' },
];

test('without rules every network reaches every other; with rules only listed directed edges and same network', () => {
  assert.ok(reaches(rulesOf(setting()), 'a', 'b'));
  const rules = rulesOf(setting({ 'cluster-1-network': 'cluster-2-network, x' }));
  assert.ok(reaches(rules, 'cluster-1-network', 'cluster-2-network'));
  assert.ok(!reaches(rules, 'cluster-2-network', 'cluster-1-network'), 'directed');
  assert.ok(reaches(rules, 'cluster-2-network', 'cluster-2-network'));
  assert.deepEqual(ruleList(rules), [
    { from: 'cluster-1-network', to: 'cluster-2-network' },
    { from: 'cluster-1-network', to: 'x' },
  ]);
});

test('adding and removing rules edits a copy and drops empty keys and the map when it empties', () => {
  const base = setting({ 'cluster-1-network': 'cluster-2-network' });
  const added = addRule(base, 'cluster-2-network', 'cluster-1-network');
  assert.deepEqual((added.spec as { networkSettings: unknown }).networkSettings, {
    networkReachability: { 'cluster-1-network': 'cluster-2-network', 'cluster-2-network': 'cluster-1-network' },
  });
  assert.deepEqual(base.spec, {
    networkSettings: { networkReachability: { 'cluster-1-network': 'cluster-2-network' } },
  });
  const removed = removeRule(base, 'cluster-1-network', 'cluster-2-network');
  assert.deepEqual(removed.spec, { networkSettings: {} });
  assert.deepEqual(addRule(setting(), 'a', 'b').spec, { networkSettings: { networkReachability: { a: 'b' } } });
});

test('explains for each pair of clusters whether it gets entries and why', () => {
  const v = explain(clusters, rulesOf(setting({ 'cluster-2-network': 'cluster-1-network' })));
  const c1c2 = v.find((x) => x.from === 'cluster-1' && x.to === 'cluster-2')!;
  assert.equal(c1c2.reachable, false);
  assert.match(
    c1c2.why,
    /cluster-1-network may not reach cluster-2-network .* cluster-1 gets no WorkloadEntries for cluster-2's services/,
  );
  assert.equal(v.find((x) => x.from === 'cluster-2')!.reachable, true);
  assert.match(explain(clusters, new Map())[0]!.why, /no reachability rules/);
});

test('the applied object carries identity and spec only', () => {
  const o = forApply(setting({ a: 'b' }));
  assert.deepEqual(o, {
    apiVersion: 'api.tsb.tetrate.io/v2',
    kind: 'OrganizationSetting',
    metadata: { organization: 'tetrate', name: 'default' },
    spec: { networkSettings: { networkReachability: { a: 'b' } } },
  });
});

test('WorkloadEntry changes per cluster', () => {
  const before = new Map([['cluster-1', new Set(['bookinfo/k-details-1', 'bookinfo/k-ratings-1'])]]);
  const after = new Map([
    ['cluster-1', new Set(['bookinfo/k-ratings-1'])],
    ['cluster-2', new Set(['x/y'])],
  ]);
  assert.deepEqual(entryChanges(before, after), [
    { cluster: 'cluster-1', added: [], removed: ['bookinfo/k-details-1'] },
    { cluster: 'cluster-2', added: ['x/y'], removed: [] },
  ]);
});
