import { test } from 'node:test';
import assert from 'node:assert/strict';
import { federationEnabled, gitopsTarget } from './config.js';

test('MESHBRIDGE_GITOPS names a local cluster and a namespace, or nothing; anything else is refused by name', () => {
  assert.equal(gitopsTarget({}), undefined);
  assert.equal(gitopsTarget({ MESHBRIDGE_GITOPS: ' ' }), undefined);
  assert.deepEqual(gitopsTarget({ MESHBRIDGE_GITOPS: 'cluster-1/meshbridge-config' }), {
    cluster: 'cluster-1',
    namespace: 'meshbridge-config',
  });
  for (const bad of ['cluster-1', 'cluster-1/', 'Cluster/ns', 'a/b/c', '../x']) {
    assert.throws(() => gitopsTarget({ MESHBRIDGE_GITOPS: bad }), /MESHBRIDGE_GITOPS must be CLUSTER\/NAMESPACE/, bad);
  }
});

test('MESHBRIDGE_FEDERATION is on unless it says off; anything else is refused by name', () => {
  assert.equal(federationEnabled({}), true);
  assert.equal(federationEnabled({ MESHBRIDGE_FEDERATION: 'on' }), true);
  assert.equal(federationEnabled({ MESHBRIDGE_FEDERATION: ' OFF ' }), false);
  assert.throws(() => federationEnabled({ MESHBRIDGE_FEDERATION: 'no' }), /MESHBRIDGE_FEDERATION must be on or off/);
});
