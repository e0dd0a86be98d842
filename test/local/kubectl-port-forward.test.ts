/**
 * Real kubectl (`/usr/bin/kubectl` 1.32) forwards local ports to pods of an embedded cluster: `port-forward
 * pod/NAME` and `svc/NAME` (kubectl resolves the Service to a pod and its target port), over the WebSocket-tunnelled
 * SPDY/3.1 `portforward.k8s.io` protocol kubectl 1.31+ speaks; several requests over one forward; a refused
 * connection reported without ending the forward.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { startExecCluster, type ExecCluster } from './exec-support.js';

let c: ExecCluster;

before(async () => {
  c = await startExecCluster(5, { web: true });
});
after(() => c?.stop());

/** Starts `kubectl port-forward TARGET 0:PORT` and resolves with the local port it printed. */
async function forward(
  target: string,
  port: number,
): Promise<{ local: number; child: ChildProcess; err: () => string }> {
  const child = c.kubectlChild(['port-forward', '-n', 'bookinfo', target, `0:${port}`]);
  let out = '';
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const local = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no forwarding line; stderr: ${err}`)), 20_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`kubectl exited ${code}: ${err}`)));
  });
  return { local, child, err: () => err };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

test('kubectl port-forward pod/NAME fetches a page from the pod, several times over one forward', async () => {
  const web = c.cluster.store
    .list({ group: '', plural: 'pods' }, 'bookinfo')
    .find((p) => p.metadata.labels?.app === 'web');
  assert.ok(web);
  const f = await forward(`pod/${web.metadata.name}`, 8080);
  try {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${f.local}/page-${i}`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { pod: web.metadata.name, namespace: 'bookinfo', path: `/page-${i}` });
    }
  } finally {
    await stop(f.child);
  }
});

test('kubectl port-forward svc/NAME forwards the service port to its pod target port', async () => {
  const f = await forward('svc/web', 80);
  try {
    const res = await fetch(`http://127.0.0.1:${f.local}/through-service`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { pod: string; path: string };
    assert.match(body.pod, /^web-/);
    assert.equal(body.path, '/through-service');
  } finally {
    await stop(f.child);
  }
});

test('a port nothing listens on is reported by kubectl as a refused connection', async () => {
  const f = await forward(`pod/${c.pod}`, 9999);
  try {
    await assert.rejects(fetch(`http://127.0.0.1:${f.local}/`));
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !/connection refused|ECONNREFUSED/.test(f.err())) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(f.err(), /an error occurred forwarding 9999 -> 9999: .*ECONNREFUSED/);
  } finally {
    f.child.kill('SIGKILL');
  }
});
