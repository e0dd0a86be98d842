import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { StoredObject } from '../store/types.js';
import { L4Balancer } from './l4-balancer.js';
import { loadBalancerPlan, type LbFrontend } from './lb-plan.js';

// Addresses of one loopback block (MESHBRIDGE_IP_BLOCK_BASE when set, so parallel runs do not collide).
const BLOCK = Number(process.env.MESHBRIDGE_IP_BLOCK_BASE ?? 100 + Math.floor(Math.random() * 100)) + 3;
const ip = (third: number, fourth: number): string => `127.${BLOCK}.${third}.${fourth}`;

function lbService(name: string, ips: string[], ports: Record<string, unknown>[]): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'ns' },
    spec: { type: 'LoadBalancer', selector: { app: name }, ports },
    status: { loadBalancer: { ingress: ips.map((i) => ({ ip: i })) } },
  };
}

function endpoints(name: string, ready: string[], notReady: string[], ports: Record<string, unknown>[]): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: 'ns' },
    subsets: [
      {
        addresses: ready.map((i) => ({ ip: i })),
        notReadyAddresses: notReady.map((i) => ({ ip: i })),
        ports,
      },
    ],
  };
}

test('the plan gives each ingress address:port of a LoadBalancer Service its ready endpoints only', () => {
  const plan = loadBalancerPlan({
    services: [
      lbService('gw', ['10.0.0.1', '10.0.0.2'], [{ name: 'tls', port: 15443, targetPort: 15443 }]),
      // Not a LoadBalancer: no frontend.
      { ...lbService('plain', [], [{ port: 80 }]), spec: { type: 'ClusterIP', ports: [{ port: 80 }] } },
      // UDP ports are not balanced (TCP only); a Service without addresses yet has no frontend.
      lbService('dns', ['10.0.0.9'], [{ name: 'dns', port: 53, protocol: 'UDP' }]),
      lbService('pending', [], [{ name: 'x', port: 1 }]),
    ],
    endpoints: [
      endpoints('gw', ['127.1.0.5', '127.1.0.4'], ['127.1.0.6'], [{ name: 'tls', port: 15443 }]),
      endpoints('pending', ['127.1.0.7'], [], [{ name: 'x', port: 1 }]),
    ],
  });
  assert.deepEqual(plan, [
    {
      key: '10.0.0.1:15443',
      ip: '10.0.0.1',
      port: 15443,
      service: 'ns/gw',
      backends: [
        { ip: '127.1.0.4', port: 15443 },
        { ip: '127.1.0.5', port: 15443 },
      ],
    },
    {
      key: '10.0.0.2:15443',
      ip: '10.0.0.2',
      port: 15443,
      service: 'ns/gw',
      backends: [
        { ip: '127.1.0.4', port: 15443 },
        { ip: '127.1.0.5', port: 15443 },
      ],
    },
  ]);
});

test('the plan maps ports by name and never lists one of the load balancer addresses as a backend', () => {
  const plan = loadBalancerPlan({
    services: [
      lbService(
        'a',
        ['10.0.0.1'],
        [
          { name: 'one', port: 1000 },
          { name: 'two', port: 2000 },
        ],
      ),
      lbService('b', ['10.0.0.2'], [{ name: 'x', port: 3000 }]),
    ],
    endpoints: [
      endpoints(
        'a',
        ['127.1.0.1', '10.0.0.2'],
        [],
        [
          { name: 'two', port: 8002 },
          { name: 'one', port: 8001 },
        ],
      ),
    ],
  });
  const byKey = new Map(plan.map((f) => [f.key, f.backends]));
  assert.deepEqual(byKey.get('10.0.0.1:1000'), [{ ip: '127.1.0.1', port: 8001 }]);
  assert.deepEqual(byKey.get('10.0.0.1:2000'), [{ ip: '127.1.0.1', port: 8002 }]);
  assert.deepEqual(byKey.get('10.0.0.2:3000'), [], 'no Endpoints: a frontend with no backend');
});

/** A TCP server that answers every line with `<name>:<line>`. */
async function echo(
  address: string,
  name: string,
): Promise<{ port: number; server: net.Server; accepted: () => number }> {
  let count = 0;
  const server = net.createServer((s) => {
    count++;
    s.on('error', () => s.destroy());
    s.setEncoding('utf8');
    s.on('data', (d: string) => s.write(`${name}:${d}`));
  });
  await new Promise<void>((r) => server.listen(0, address, r));
  return { port: (server.address() as net.AddressInfo).port, server, accepted: () => count };
}

async function freePort(address: string): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, address, r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Opens a connection, sends `line`, resolves with the first answer (or the error code). */
function ask(address: string, port: number, line: string, keep?: net.Socket[]): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect({ host: address, port }, () => c.write(line));
    c.setEncoding('utf8');
    c.once('data', (d: string) => {
      if (keep) keep.push(c);
      else c.destroy();
      resolve(d);
    });
    c.once('error', (e: NodeJS.ErrnoException) => resolve(`error:${e.code ?? e.message}`));
    c.once('close', () => resolve('closed'));
  });
}

test('the balancer forwards to ready backends only, spreads connections and follows endpoint changes live', async () => {
  const a = await echo(ip(10, 1), 'a');
  const b = await echo(ip(10, 2), 'b');
  const front = ip(250, 1);
  const port = await freePort(front);
  const frontend = (backends: LbFrontend['backends']): LbFrontend => ({
    key: `${front}:${port}`,
    ip: front,
    port,
    service: 'ns/gw',
    backends,
  });
  const lb = new L4Balancer({ idleTimeoutMs: 5_000 });
  try {
    await lb.apply([frontend([{ ip: ip(10, 1), port: a.port }])]);
    assert.deepEqual(lb.listening(), [`${front}:${port}`]);
    assert.equal(await ask(front, port, 'x'), 'a:x');

    // b becomes ready: connections spread over both.
    await lb.apply([
      frontend([
        { ip: ip(10, 1), port: a.port },
        { ip: ip(10, 2), port: b.port },
      ]),
    ]);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(front, port, String(i))));
    const fromA = answers.filter((x) => x.startsWith('a:')).length;
    const fromB = answers.filter((x) => x.startsWith('b:')).length;
    assert.equal(fromA + fromB, 10, `every connection answered: ${answers.join(' ')}`);
    assert.equal(fromA, 5, 'round-robin: half to each backend');

    // An open connection to a, then a stops being ready: new connections go to b only, the open one finishes.
    const open: net.Socket[] = [];
    let held = '';
    for (let i = 0; i < 4 && !held.startsWith('a:'); i++) {
      held = await ask(front, port, 'hold', open);
    }
    assert.ok(held.startsWith('a:'), 'a connection held on backend a');
    await lb.apply([frontend([{ ip: ip(10, 2), port: b.port }])]);
    const after = await Promise.all(Array.from({ length: 6 }, (_, i) => ask(front, port, `n${i}`)));
    assert.deepEqual(
      after.map((x) => x.slice(0, 2)),
      Array(6).fill('b:'),
    );
    const heldSocket = open[open.length - 1];
    assert.ok(heldSocket && !heldSocket.destroyed, 'the connection to the removed backend is still open');
    const again = await new Promise<string>((resolve) => {
      heldSocket.once('data', (d) => resolve(String(d)));
      heldSocket.write('still');
    });
    assert.equal(again, 'a:still', 'an existing connection finishes on its backend');
    for (const s of open) s.destroy();
  } finally {
    await lb.close();
    a.server.close();
    b.server.close();
  }
});

test('a backend that refuses is skipped: the client is served by the next one', async () => {
  const b = await echo(ip(11, 2), 'b');
  const deadPort = await freePort(ip(11, 1)); // nothing listens there
  const front = ip(251, 1);
  const port = await freePort(front);
  const lb = new L4Balancer();
  try {
    await lb.apply([
      {
        key: `${front}:${port}`,
        ip: front,
        port,
        service: 'ns/gw',
        backends: [
          { ip: ip(11, 1), port: deadPort },
          { ip: ip(11, 2), port: b.port },
        ],
      },
    ]);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => ask(front, port, String(i))));
    assert.deepEqual(
      answers.map((x) => x.slice(0, 2)),
      Array(6).fill('b:'),
    );
    assert.ok(lb.stats().dialFailures >= 3, 'the refused dials were counted');
  } finally {
    await lb.close();
    b.server.close();
  }
});

test('a removed frontend stops listening; no backend at all closes the connection; the cap and idle timeout hold', async () => {
  const a = await echo(ip(12, 1), 'a');
  const front = ip(252, 1);
  const port = await freePort(front);
  const lb = new L4Balancer({ maxConnections: 2, idleTimeoutMs: 300 });
  const f = (backends: LbFrontend['backends']): LbFrontend => ({
    key: `${front}:${port}`,
    ip: front,
    port,
    service: 'ns/gw',
    backends,
  });
  try {
    await lb.apply([f([])]);
    assert.equal(await ask(front, port, 'x'), 'closed', 'no ready backend: closed, nothing answered');

    await lb.apply([f([{ ip: ip(12, 1), port: a.port }])]);
    const open: net.Socket[] = [];
    assert.equal(await ask(front, port, '1', open), 'a:1');
    assert.equal(await ask(front, port, '2', open), 'a:2');
    assert.equal(await ask(front, port, '3'), 'closed', 'over the cap of 2: closed on accept');
    assert.ok(lb.stats().rejected >= 2);
    // Idle for 300 ms: both held connections are closed by the balancer.
    await Promise.all(open.map((s) => new Promise((r) => (s.destroyed ? r(null) : s.once('close', r)))));
    assert.equal(lb.stats().active, 0);
    assert.equal(await ask(front, port, '4'), 'a:4', 'slots freed by the idle timeout are reused');

    // A frontend whose backend is one of the balancer's own addresses never dials it.
    await lb.apply([f([{ ip: front, port }])]);
    assert.equal(await ask(front, port, 'loop'), 'closed');
    assert.equal(lb.stats().dialFailures, 0, 'its own address was never dialled');

    await lb.apply([]);
    assert.deepEqual(lb.listening(), []);
    assert.match(await ask(front, port, 'gone'), /^error:ECONNREFUSED$/);
  } finally {
    await lb.close();
    a.server.close();
  }
});
