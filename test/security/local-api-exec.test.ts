/**
 * The pod `exec` subresource of a local cluster's API refuses, before any process starts, what a hostile local user
 * or web page can send: an upgrade without a credential, with a wrong one, for a foreign Host, from a web page
 * (Origin), into a pod or namespace that does not exist, with a terminal, over SPDY, with a body, with bad commands.
 * The command of every refused request would create a marker file; each test checks the refusal and that the marker
 * was never created. A first test runs the same command with every check passed and sees the marker appear, so the
 * absence means something. A message larger than the limit kills the command before it reads a byte of it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { countingPod, settle, startSecurityCluster, type SecurityCluster } from './local-api-support.js';
import { MAX_MESSAGE } from '../../src/local/server/upgrade.js';

let c: SecurityCluster;
let n = 0;
const POD = 'exec-target';

before(async () => {
  c = await startSecurityCluster(4);
  const res = await c.call('POST', '/api/v1/namespaces/default/pods', countingPod(POD));
  assert.equal(res.status, 201, res.text);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const pod = await c.call('GET', `/api/v1/namespaces/default/pods/${POD}`);
    if ((pod.body.status as { phase?: string } | undefined)?.phase === 'Running') return;
    await settle(200);
  }
  throw new Error('the target pod never ran');
});
after(() => c?.stop());

/** A fresh marker path and the exec query whose command creates it. */
function markerQuery(extra = ''): { marker: string; query: string } {
  const marker = join(c.dir, `marker-${++n}`);
  return { marker, query: `command=touch&command=${encodeURIComponent(marker)}&stdout=true&stderr=true${extra}` };
}

const execPath = (query: string, ns = 'default', pod = POD) => `/api/v1/namespaces/${ns}/pods/${pod}/exec?${query}`;

/** WebSocket upgrade headers offering v5 (a fixed valid key: the answer is checked, not the handshake). */
const upgradeHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({
  host: c.host,
  authorization: `Bearer ${c.token}`,
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-version': '13',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-protocol': 'v5.channel.k8s.io',
  ...extra,
});

/** Sends an upgrade request; resolves with the status and Status body when it is refused (or 101 when accepted). */
function upgrade(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; reason?: string; message?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: new URL(c.url).hostname, port: c.port, method, path, headers, setHost: false });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => {
        const status = JSON.parse(text) as { reason?: string; message?: string; kind?: string };
        assert.equal(status.kind, 'Status');
        resolve({ status: res.statusCode ?? 0, reason: status.reason, message: status.message });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Checks a refusal and that the marker's command never ran. */
async function refused(
  res: { status: number; reason?: string; message?: string },
  marker: string,
  status: number,
  reason: string,
): Promise<void> {
  assert.equal(res.status, status, res.message);
  assert.equal(res.reason, reason);
  await settle(300);
  assert.equal(existsSync(marker), false, 'the refused command ran');
}

test('with every check passed the command runs (the control for every refusal below)', async () => {
  const { marker, query } = markerQuery();
  const ws = new WebSocket(`${c.url.replace('http', 'ws')}${execPath(query)}`, ['v5.channel.k8s.io'], {
    headers: { authorization: `Bearer ${c.token}` },
  });
  const status = await new Promise<string>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      if (data[0] === 3) resolve(data.subarray(1).toString('utf8'));
    });
    ws.on('error', reject);
  });
  assert.equal((JSON.parse(status) as { status: string }).status, 'Success');
  assert.equal(existsSync(marker), true);
});

test('an exec upgrade without a credential is refused with 401 before any process starts', async () => {
  const { marker, query } = markerQuery();
  const headers = upgradeHeaders();
  delete headers.authorization;
  await refused(await upgrade('GET', execPath(query), headers), marker, 401, 'Unauthorized');
});

test('an exec upgrade with a wrong token of the same length is refused with 401', async () => {
  const { marker, query } = markerQuery();
  const wrong = c.token.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'));
  const res = await upgrade('GET', execPath(query), upgradeHeaders({ authorization: `Bearer ${wrong}` }));
  await refused(res, marker, 401, 'Unauthorized');
});

test('an exec upgrade for a foreign Host (DNS rebinding) is refused with 403', async () => {
  const { marker, query } = markerQuery();
  const res = await upgrade('GET', execPath(query), upgradeHeaders({ host: `attacker.example:${c.port}` }));
  await refused(res, marker, 403, 'Forbidden');
});

test('an exec upgrade from a web page (Origin header) is refused with 403 even with the token', async () => {
  const { marker, query } = markerQuery();
  const res = await upgrade('GET', execPath(query), upgradeHeaders({ origin: 'https://attacker.example' }));
  await refused(res, marker, 403, 'Forbidden');
});

test('an exec into a pod of a namespace that does not exist is NotFound', async () => {
  const { marker, query } = markerQuery();
  await refused(await upgrade('GET', execPath(query, 'no-such-ns'), upgradeHeaders()), marker, 404, 'NotFound');
});

test('an exec into a pod that does not exist, or a container it does not have, is refused', async () => {
  const a = markerQuery();
  await refused(
    await upgrade('GET', execPath(a.query, 'default', 'ghost'), upgradeHeaders()),
    a.marker,
    404,
    'NotFound',
  );
  const b = markerQuery('&container=other');
  await refused(await upgrade('GET', execPath(b.query), upgradeHeaders()), b.marker, 400, 'BadRequest');
});

test('an exec asking for a terminal is refused with a clear message', async () => {
  const { marker, query } = markerQuery('&tty=true');
  const res = await upgrade('GET', execPath(query), upgradeHeaders());
  await refused(res, marker, 400, 'BadRequest');
  assert.match(res.message ?? '', /TTY is not supported/);
});

test("kubectl's SPDY fallback is refused with a message naming the WebSocket protocols", async () => {
  const { marker, query } = markerQuery();
  const res = await upgrade('POST', execPath(query), {
    host: c.host,
    authorization: `Bearer ${c.token}`,
    connection: 'Upgrade',
    upgrade: 'SPDY/3.1',
    'x-stream-protocol-version': 'v4.channel.k8s.io',
  });
  await refused(res, marker, 400, 'BadRequest');
  assert.match(res.message ?? '', /WebSocket only.*v5\.channel\.k8s\.io/);
});

test('an exec upgrade offering no supported subprotocol is refused', async () => {
  const { marker, query } = markerQuery();
  const res = await upgrade(
    'GET',
    execPath(query),
    upgradeHeaders({ 'sec-websocket-protocol': 'base64.channel.k8s.io' }),
  );
  await refused(res, marker, 400, 'BadRequest');
});

test('an upgrade request carrying a body is refused', async () => {
  const { marker, query } = markerQuery();
  const res = await upgrade('GET', execPath(query), upgradeHeaders({ 'content-length': '5' }), 'hello');
  await refused(res, marker, 400, 'BadRequest');
});

test('commands with a NUL byte, too many arguments or no program are refused', async () => {
  const { marker, query } = markerQuery();
  const nul = await upgrade('GET', execPath(`${query}&command=a%00b`), upgradeHeaders());
  await refused(nul, marker, 400, 'BadRequest');
  const many = `${query}${'&command=x'.repeat(300)}`;
  await refused(await upgrade('GET', execPath(many), upgradeHeaders()), marker, 400, 'BadRequest');
  await refused(await upgrade('GET', execPath('stdout=true'), upgradeHeaders()), marker, 400, 'BadRequest');
});

test('a plain (not upgraded) request to exec is refused and runs nothing', async () => {
  const { marker, query } = markerQuery();
  const res = await c.call('POST', execPath(query), {});
  assert.equal(res.status, 400);
  assert.equal(res.body.reason, 'BadRequest');
  await settle(300);
  assert.equal(existsSync(marker), false);
});

test('a message larger than the limit closes the session (1009) and kills the command before it reads a byte', async () => {
  const counted = join(c.dir, `stdin-bytes-${++n}`);
  const script =
    `let n=0;process.stdin.on('data',d=>{n+=d.length;require('fs').writeFileSync(${JSON.stringify(counted)},String(n))});` +
    'setInterval(()=>{},1000)';
  const query = `command=node&command=-e&command=${encodeURIComponent(script)}&stdin=true&stdout=true&stderr=true`;
  const ws = new WebSocket(`${c.url.replace('http', 'ws')}${execPath(query)}`, ['v5.channel.k8s.io'], {
    headers: { authorization: `Bearer ${c.token}` },
  });
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  const pid = await waitForChild(script);
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.send(Buffer.concat([Buffer.of(0), Buffer.alloc(MAX_MESSAGE + 1, 0x61)]));
  assert.equal(await closed, 1009);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && processAlive(pid)) await settle(50);
  assert.equal(processAlive(pid), false, 'the command outlived its session');
  assert.equal(existsSync(counted), false, 'the command read bytes of the oversized message');
});

/** The pid of the cluster's child running `script` (its argv holds the script). */
async function waitForChild(script: string): Promise<number> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    for (const name of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
      try {
        if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(script)) return Number(name);
      } catch {
        // gone
      }
    }
    await settle(50);
  }
  throw new Error('the exec command never started');
}

function processAlive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
