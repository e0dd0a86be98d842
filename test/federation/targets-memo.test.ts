// decideTarget memoises what many decisions of one plan share, keyed on the plan's settings list and cluster facts.
// A caller that pairs those with another configuration or other DNS resolutions must get answers for those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadCase } from './support/cases.js';
import { decideTarget, type ClusterFacts, type DecideInput } from '../../src/federation/targets.js';
import { fqnOf, reachabilityOf, workspaceOf } from '../../src/federation/selection.js';

const CASES = new URL('./plan-cases/', import.meta.url).pathname;

test('a memoised answer is not reused for another configuration or other resolutions', () => {
  const { expanded } = loadCase(join(CASES, 'two-clusters-seed.yaml'));
  const { config } = expanded;
  const facts = (name: string): ClusterFacts => {
    const inventory = expanded.inventories.find((i) => i.cluster === name);
    assert.ok(inventory, name);
    return {
      inventory,
      services: new Map(inventory.services.map((s) => [`${s.namespace}/${s.name}`, s])),
      network: `${name}-network`,
      locality: inventory.locality,
    };
  };
  const settings = config.workspaceSettings.map((setting) => ({
    fqn: fqnOf('WorkspaceSetting', setting.metadata),
    setting,
    workspace: workspaceOf(config, setting),
  }));
  const input: DecideInput = {
    config,
    settings,
    reachability: reachabilityOf(config.organizationSettings),
    client: facts('cluster-1'),
    remote: facts('cluster-2'),
    namespace: 'bookinfo',
    service: 'details',
    resolved: expanded.resolved,
  };
  assert.equal(decideTarget(input).target, true, 'cluster-2 serves details to cluster-1');
  // The same settings list and facts, with a configuration that has no workspace.
  const none = decideTarget({ ...input, config: { ...config, workspaces: [] } });
  assert.equal(none.target, false);
  assert.equal(!none.target && none.reason, 'not-in-workspace');
  assert.equal(decideTarget(input).target, true, 'and the first configuration still gets its own answer');
});
