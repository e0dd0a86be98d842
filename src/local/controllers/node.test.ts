import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterInfoFor } from '../config.js';
import { ClusterStore } from '../store/cluster-store.js';
import { NODES } from './refs.js';
import { reconcileNode } from './node.js';

test('the node registers with the cluster locality and keeps a later relabel', () => {
  const store = new ClusterStore({ file: ':memory:' });
  const info = clusterInfoFor({ name: 'c2', region: 'eu-west-1', zone: 'eu-west-1a' }, 2, {});
  const node = reconcileNode(store, info);
  assert.equal(node.metadata.name, 'c2-node');
  assert.equal(node.metadata.labels?.['topology.kubernetes.io/region'], 'eu-west-1');
  store.update(NODES, {
    ...node,
    metadata: { ...node.metadata, labels: { ...node.metadata.labels, 'topology.kubernetes.io/region': 'eu-west-2' } },
  });
  const after = reconcileNode(store, info);
  assert.equal(after.metadata.labels?.['topology.kubernetes.io/region'], 'eu-west-2');
  assert.equal(after.metadata.labels?.['topology.kubernetes.io/zone'], 'eu-west-1a');
  store.close();
});
