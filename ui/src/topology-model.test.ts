import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appName, graphOf, serviceName } from './topology-model.js';
import type { EdgeStats } from './wire.js';

const edge = (
  src: string,
  srcCluster: string,
  dst: string,
  dstCluster: string,
  rps = 10,
  errorShare = 0,
): EdgeStats => ({
  id: `${src}|${srcCluster}|${dst}|${dstCluster}`,
  sourceWorkload: src,
  sourceCluster: srcCluster,
  destinationService: dst,
  destinationCluster: dstCluster,
  rps,
  requests: rps * 10,
  errors: rps * 10 * errorShare,
  errorShare,
  crossCluster: srcCluster !== dstCluster,
});

test('groups services by cluster and joins a workload with the service it belongs to', () => {
  const g = graphOf([
    edge('productpage-v1', 'cluster-1', 'details.bookinfo.svc.cluster.local', 'cluster-1'),
    edge('productpage-v1', 'cluster-1', 'reviews.bookinfo.svc.cluster.local', 'cluster-1'),
    edge('reviews-v2', 'cluster-1', 'ratings.bookinfo.svc.cluster.local', 'cluster-1'),
  ]);
  assert.deepEqual(
    g.nodes.map((n) => [n.id, n.parent ?? null]),
    [
      ['cluster:cluster-1', null],
      ['cluster-1/details', 'cluster:cluster-1'],
      ['cluster-1/productpage', 'cluster:cluster-1'],
      ['cluster-1/ratings', 'cluster:cluster-1'],
      ['cluster-1/reviews', 'cluster:cluster-1'],
    ],
  );
  assert.ok(g.edges.some((e) => e.source === 'cluster-1/reviews' && e.target === 'cluster-1/ratings'));
});

test('a cross-cluster edge joins two cluster groups and is classed to stand out; a failing one too', () => {
  const g = graphOf([
    edge('productpage-v1', 'cluster-1', 'details.bookinfo.svc.cluster.local', 'cluster-2', 12.34, 0.25),
  ]);
  assert.deepEqual(
    g.nodes.filter((n) => n.kind === 'cluster').map((n) => n.label),
    ['cluster-1', 'cluster-2'],
  );
  const [e] = g.edges;
  assert.equal(e!.source, 'cluster-1/productpage');
  assert.equal(e!.target, 'cluster-2/details');
  assert.deepEqual(e!.classes, ['cross-cluster', 'failing']);
  assert.equal(e!.label, '12.3 rps · 25% err');
});

test('names: FQDN to service, versioned workload to app', () => {
  assert.equal(serviceName('details.bookinfo.svc.cluster.local'), 'details');
  assert.equal(serviceName('details'), 'details');
  assert.equal(appName('reviews-v3'), 'reviews');
  assert.equal(appName('sleep'), 'sleep');
});
