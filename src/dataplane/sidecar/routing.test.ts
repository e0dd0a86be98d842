import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterForSni, requestAuthority, sniForCluster, VirtualHostIndex } from './routing.js';

describe('routing', () => {
  it('takes the authority from an absolute-form target (which wins over Host) or the Host header, defaulting port 80', () => {
    assert.deepEqual(requestAuthority('http://Details:9080/x?y=1', 'other:1'), {
      authority: 'details:9080',
      path: '/x?y=1',
      host: 'details:9080',
    });
    assert.deepEqual(requestAuthority('/p', 'productpage.bookinfo'), {
      authority: 'productpage.bookinfo:80',
      path: '/p',
      host: 'productpage.bookinfo',
    });
    assert.equal(requestAuthority('/p', undefined), undefined);
  });

  it('matches domains exactly, bare names for port 80, then the wildcard', () => {
    const idx = new VirtualHostIndex({
      name: 'outbound',
      virtualHosts: [
        { name: 'd', domains: ['details:9080', 'details.bookinfo:9080'], cluster: 'c1', timeoutMs: 1 },
        { name: 'w', domains: ['web', 'web:80'], cluster: 'c2', timeoutMs: 1 },
      ],
    });
    assert.equal(idx.match('details.bookinfo:9080')?.cluster, 'c1');
    assert.equal(idx.match('web:80')?.cluster, 'c2');
    assert.equal(idx.match('details:9081'), undefined);
  });

  it('maps clusters to Istio SNI and back, refusing anything else', () => {
    const c = 'outbound|9080||details.bookinfo.svc.cluster.local';
    assert.equal(sniForCluster(c), 'outbound_.9080_._.details.bookinfo.svc.cluster.local');
    assert.equal(clusterForSni('outbound_.9080_._.details.bookinfo.svc.cluster.local'), c);
    assert.equal(
      clusterForSni('outbound_.9080_.v1_.details.bookinfo.svc.cluster.local'),
      'outbound|9080|v1|details.bookinfo.svc.cluster.local',
    );
    for (const bad of [
      'details.bookinfo',
      'outbound_.99999_._.x',
      'outbound_.80_._.',
      'outbound_.80_._.a/b',
      'inbound_.80_._.x',
    ]) {
      assert.equal(clusterForSni(bad), undefined, bad);
    }
  });
});
