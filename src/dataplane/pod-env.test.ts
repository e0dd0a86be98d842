import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readProxyConfig } from './config.js';
import { appProxyEnv, proxyEnv } from '../xds/index.js';
import { DATAPLANE_ENTRIES } from './pod-env.js';
import { checkProxyAuthorization, newProxySecret, proxyAuthorization } from './sidecar/proxy-auth.js';

const SECRET = 'x'.repeat(43);

describe('pod environment (contract C.env)', () => {
  it('is read back by the proxy as the same configuration', () => {
    const env = proxyEnv({
      role: 'sidecar',
      xdsAddress: '127.0.0.1:4000',
      podIp: '127.1.0.7',
      podName: 'details-v1-abc',
      namespace: 'bookinfo',
      serviceAccount: 'bookinfo-details',
      cluster: 'cluster-1',
      network: 'cluster-1-network',
      locality: { region: 'eu-west-2', zone: 'eu-west-2a' },
      workload: 'details-v1',
      labels: { app: 'details', version: 'v1' },
      certDir: '/tmp/x',
      proxySecret: SECRET,
      xdsToken: 't'.repeat(43),
    });
    const cfg = readProxyConfig('sidecar', env);
    assert.equal(cfg.proxySecret, SECRET);
    assert.equal(cfg.xdsToken, 't'.repeat(43));
    assert.equal(cfg.nodeId, 'sidecar~127.1.0.7~details-v1-abc.bookinfo~bookinfo.svc.cluster.local');
    assert.deepEqual(cfg.locality, { region: 'eu-west-2', zone: 'eu-west-2a', subZone: '' });
    assert.deepEqual(cfg.labels, { app: 'details', version: 'v1' });
    assert.equal(cfg.servedByHeader, true);
    assert.equal(cfg.outboundPort, 15001);
    assert.equal(cfg.serviceAccount, 'bookinfo-details');
  });

  it('gives gateways their addresses and no key', () => {
    const env = proxyEnv({
      role: 'router',
      xdsAddress: '127.0.0.1:4000',
      podIp: '127.2.0.9',
      podName: 'eastwest-gateway-1',
      namespace: 'istio-system',
      serviceAccount: 'eastwest-gateway',
      cluster: 'cluster-2',
      network: 'cluster-2-network',
      locality: { region: 'eu-west-1', zone: 'eu-west-1a' },
      workload: 'eastwest-gateway',
      labels: { app: 'eastwest-gateway' },
      gatewayAddresses: ['127.2.200.1', '127.2.200.2', '127.2.200.3'],
    });
    const cfg = readProxyConfig('router', env);
    assert.deepEqual(cfg.gatewayAddresses, ['127.2.200.1', '127.2.200.2', '127.2.200.3']);
    assert.match(cfg.nodeId, /^router~127\.2\.0\.9~/);
  });

  it('turns the outbound fast path on by default, off with MB_HTTP_FAST_PATH=0, and refuses other values', () => {
    const env = {
      MB_XDS_ADDRESS: '127.0.0.1:1',
      MB_POD_IP: '127.0.0.1',
      MB_POD_NAME: 'p',
      MB_NAMESPACE: 'n',
      MB_CLUSTER: 'c',
      MB_CERT_DIR: '/tmp/x',
      MB_PROXY_SECRET: SECRET,
    };
    assert.equal(readProxyConfig('sidecar', env).httpFastPath, true);
    assert.equal(readProxyConfig('sidecar', { ...env, MB_HTTP_FAST_PATH: '1' }).httpFastPath, true);
    assert.equal(readProxyConfig('sidecar', { ...env, MB_HTTP_FAST_PATH: '0' }).httpFastPath, false);
    assert.throws(
      () => readProxyConfig('sidecar', { ...env, MB_HTTP_FAST_PATH: 'yes' }),
      /MB_HTTP_FAST_PATH must be 0 or 1/,
    );
  });

  it('refuses a configuration with missing variables, naming each', () => {
    assert.throws(
      () => readProxyConfig('router', { MB_POD_IP: '127.0.0.1' }),
      /MB_XDS_ADDRESS.*MB_POD_NAME.*MB_GATEWAY_ADDRESSES/,
    );
  });

  it('refuses a sidecar without a proxy secret, or with a malformed one, without echoing it', () => {
    const base = { MB_XDS_ADDRESS: '127.0.0.1:1', MB_POD_IP: '127.0.0.1', MB_POD_NAME: 'p', MB_NAMESPACE: 'n' };
    const env = { ...base, MB_CLUSTER: 'c', MB_CERT_DIR: '/tmp/x' };
    assert.throws(() => readProxyConfig('sidecar', env), /MB_PROXY_SECRET is required/);
    assert.throws(
      () => readProxyConfig('sidecar', { ...env, MB_PROXY_SECRET: 'short:secret-value' }),
      (err: Error) => /MB_PROXY_SECRET must be/.test(err.message) && !err.message.includes('short:secret-value'),
    );
  });

  it('points apps at the explicit proxy with the pod credential, which the sidecar accepts', () => {
    const secret = newProxySecret();
    const env = appProxyEnv({ podIp: '127.1.0.7', podName: 'sleep-1', secret });
    assert.equal(env.http_proxy, `http://sleep-1:${secret}@127.1.0.7:15001`);
    assert.equal(env.HTTP_PROXY, env.http_proxy);
    const header = proxyAuthorization(new URL(env.http_proxy!));
    assert.deepEqual(checkProxyAuthorization(header, secret), { ok: true });
    assert.deepEqual(checkProxyAuthorization(header, newProxySecret()), { ok: false, reason: 'wrong' });
    assert.match(DATAPLANE_ENTRIES.sidecar, /dataplane\/sidecar-main\.js$/);
    assert.equal(typeof existsSync(DATAPLANE_ENTRIES.gateway), 'boolean');
  });
});
