// A meshed pod's sidecar environment as the embedded mesh builds it, read back by the proxy: the fast-path
// annotation is the one pod-level switch, and only "false" turns it off.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readProxyConfig } from '../dataplane/config.js';
import { HTTP_FAST_PATH_ANNOTATION, meshProxyEnv } from './mesh-proxy-env.js';
import type { PodContext } from './mesh-integration.js';

const ctx = (annotations?: Record<string, string>): PodContext =>
  ({
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'details-v1-abc', namespace: 'bookinfo', labels: { app: 'details' }, annotations },
      spec: { serviceAccountName: 'bookinfo-details' },
    },
    podIP: '127.160.0.7',
    cluster: { name: 'cluster-1', network: 'network-1' },
    dir: '/nonexistent/pod',
    namespaceLabels: { 'istio-injection': 'enabled' },
  }) as unknown as PodContext;

const fastPath = (c: PodContext): boolean =>
  readProxyConfig(
    'sidecar',
    meshProxyEnv(c, {
      role: 'sidecar',
      store: undefined,
      xdsAddress: '127.0.0.1:15010',
      xdsToken: '',
      proxySecret: 's'.repeat(43),
    }),
  ).httpFastPath;

describe('meshProxyEnv', () => {
  it(`keeps the fast path on unless the pod says ${HTTP_FAST_PATH_ANNOTATION}: "false"`, () => {
    assert.equal(fastPath(ctx()), true);
    assert.equal(fastPath(ctx({ [HTTP_FAST_PATH_ANNOTATION]: 'true' })), true);
    assert.equal(fastPath(ctx({ [HTTP_FAST_PATH_ANNOTATION]: 'false' })), false);
  });
});
