/**
 * Conformance with a real xDS client: a @grpc/grpc-js-xds channel (`xds:///greeter.test:50051`) bootstrapped
 * against our ADS server reaches a real gRPC service on priority-0 endpoints, and moves to priority 1 when the
 * priority-0 endpoints are removed or their servers are killed.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Client,
  credentials,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { startControlPlane, type ControlPlane } from '../../src/mesh/control-plane.js';
import { createMemorySource } from '../../src/mesh/source.js';

// A random loopback /24 so parallel suites never collide.
const net = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}`;
const P0 = [`${net}.10`, `${net}.11`];
const P1 = `${net}.20`;

/** A real gRPC service (JSON-encoded messages) whose answer names the backend that served it. */
const GREETER: ServiceDefinition = {
  Hello: {
    path: '/test.Greeter/Hello',
    requestStream: false,
    responseStream: false,
    requestSerialize: (v: object) => Buffer.from(JSON.stringify(v)),
    requestDeserialize: (b: Buffer) => JSON.parse(b.toString()) as object,
    responseSerialize: (v: object) => Buffer.from(JSON.stringify(v)),
    responseDeserialize: (b: Buffer) => JSON.parse(b.toString()) as object,
  },
};

async function startBackend(host: string, port: number, name: string): Promise<Server> {
  const server = new Server();
  server.addService(GREETER, {
    Hello: (_call: unknown, cb: (err: null, v: { servedBy: string }) => void) => cb(null, { servedBy: name }),
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  return server;
}

function hello(client: Client): Promise<string> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      GREETER['Hello']!.path,
      (v: object) => Buffer.from(JSON.stringify(v)),
      (b: Buffer) => JSON.parse(b.toString()) as { servedBy: string },
      {},
      { deadline: Date.now() + 2000 },
      (err: ServiceError | null, v?: { servedBy: string }) => (err ? reject(err) : resolve(v?.servedBy ?? '')),
    );
  });
}

/** Calls until `accept` holds for a response (failed calls count as not accepted), within `timeoutMs`. */
async function until(client: Client, accept: (servedBy: string) => boolean, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  while (Date.now() < deadline) {
    try {
      const by = await hello(client);
      seen.push(by);
      if (accept(by)) return seen;
    } catch (e) {
      seen.push(`error:${(e as ServiceError).code}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not reached; responses: ${seen.slice(-10).join(', ')}`);
}

async function servedBy(client: Client, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await hello(client));
  return out;
}

// grpc-js-xds 1.14's priority balancer starts a 15-minute retention timer when a priority is deactivated (P1 after
// the failback) and neither unrefs nor clears it on close, which would keep this process alive for 15 minutes.
// Once every test here has finished, leave (keeping the exit code the test runner set).
after(() => {
  setTimeout(() => process.exit(), 500).unref();
});

const port = 20_000 + Math.floor(Math.random() * 30_000);
const ns = { kind: 'Namespace', metadata: { name: 'test' } };
const node = {
  kind: 'Node',
  metadata: { name: 'n1', labels: { 'topology.kubernetes.io/region': 'r1', 'topology.kubernetes.io/zone': 'z1' } },
};
const service = {
  kind: 'Service',
  metadata: { name: 'greeter', namespace: 'test' },
  spec: { selector: { app: 'greeter' }, ports: [{ name: 'grpc', port: 50051, targetPort: port }] },
};
const endpoints = (ips: readonly string[]) => ({
  kind: 'Endpoints',
  metadata: { name: 'greeter', namespace: 'test' },
  subsets: ips.length
    ? [{ addresses: ips.map((ip) => ({ ip, nodeName: 'n1' })), ports: [{ name: 'grpc', port }] }]
    : [],
});
const remote = {
  kind: 'WorkloadEntry',
  metadata: { name: 'k-greeter-remote', namespace: 'test' },
  spec: { address: P1, ports: { grpc: port }, labels: { app: 'greeter' }, locality: 'r2/z1' },
};
// Outlier detection turns locality priorities on (Istio's rule); enforcing_success_rate 0 keeps grpc-js happy.
const rule = {
  kind: 'DestinationRule',
  metadata: { name: 'greeter', namespace: 'test' },
  spec: {
    host: 'greeter',
    trafficPolicy: {
      outlierDetection: { consecutive5xxErrors: 5, interval: '1s', baseEjectionTime: '30s', maxEjectionPercent: 100 },
    },
  },
};

test('a grpc-js-xds client follows our xDS from priority 0 to priority 1 and back', async (t) => {
  const backends = new Map<string, Server>();
  for (const [i, ip] of P0.entries()) backends.set(`p0-${i}`, await startBackend(ip, port, `p0-${i}`));
  backends.set('p1', await startBackend(P1, port, 'p1'));
  const source = createMemorySource([ns, node, service, endpoints(P0), remote, rule]);
  const cp: ControlPlane = await startControlPlane({
    source,
    listen: { host: `${net}.1`, port: 0 },
    clusterName: 'cluster-1',
    debounceMs: 20,
  });
  process.env['GRPC_XDS_BOOTSTRAP_CONFIG'] = JSON.stringify({
    xds_servers: [{ server_uri: cp.address, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: {
      id: `sidecar~${net}.5~client-0.test~test.svc.cluster.local`,
      locality: { region: 'r1', zone: 'z1' },
      metadata: { NAMESPACE: 'test', CLUSTER_ID: 'cluster-1' },
    },
  });
  grpcXds.register();
  const client = new Client('xds:///greeter.test:50051', credentials.createInsecure());
  t.after(async () => {
    client.close();
    await cp.close();
    for (const s of backends.values()) s.forceShutdown();
  });

  await t.test('reaches the priority-0 endpoints only', async () => {
    await until(client, (by) => by.startsWith('p0-'));
    const got = await servedBy(client, 20);
    assert.ok(
      got.every((by) => by.startsWith('p0-')),
      got.join(','),
    );
    assert.deepEqual(new Set(got), new Set(['p0-0', 'p0-1']), 'round robin over both P0 endpoints');
  });

  await t.test('moves to priority 1 when the priority-0 endpoints are removed', async () => {
    source.apply(endpoints([]));
    await until(client, (by) => by === 'p1');
    const got = await servedBy(client, 10);
    assert.deepEqual(new Set(got), new Set(['p1']));
  });

  await t.test('returns to priority 0 when the endpoints come back', async () => {
    source.apply(endpoints(P0));
    await until(client, (by) => by.startsWith('p0-'));
    const got = await servedBy(client, 10);
    assert.ok(
      got.every((by) => by.startsWith('p0-')),
      got.join(','),
    );
  });

  await t.test('moves to priority 1 when the priority-0 servers are killed (still listed in EDS)', async () => {
    for (const name of ['p0-0', 'p0-1']) backends.get(name)?.forceShutdown();
    const seen = await until(client, (by) => by === 'p1');
    const got = await servedBy(client, 10);
    assert.deepEqual(new Set(got), new Set(['p1']), `after ${seen.length} calls: ${seen.join(',')}`);
    t.diagnostic(`calls before reaching P1 after the kill: ${seen.join(',')}`);
  });

  const stats = cp.stats();
  assert.equal(stats.nacks, 0, JSON.stringify(stats.proxies));
  assert.ok(stats.acks >= 4, `acks: ${stats.acks}`);
});
