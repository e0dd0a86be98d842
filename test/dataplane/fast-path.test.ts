// The outbound fast path (src/dataplane/sidecar/fast-outbound.ts) in a real sidecar process, against a scripted
// upstream that speaks raw HTTP/1.1: keep-alive reuse on both sides, every response framing relayed byte-exactly
// or re-framed, interim answers, hop-by-hop hygiene, bad upstream framing and cut bodies, and a connection handed
// to Node's server mid-stream without losing a byte. The hostile request cases (smuggling, bare LF, slowloris) run
// against the same listener in test/security/sidecar-bounds.test.ts.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestAdsServer, type TestAdsServer } from '../support/ads-server.js';
import { createTestPki } from '../support/pki.js';
import {
  counterValue,
  killAll,
  proxyCredential,
  proxyMetrics,
  randomLoopback,
  spawnProxy,
} from '../support/proxies.js';
import { serveSidecarConfig } from '../support/xds-resources.js';

const ipA = randomLoopback();
const ipUp = randomLoopback();
const CREDS = `Proxy-Authorization: ${proxyCredential()}\r\n`;
const IDLE_MS = 1000;
const CHUNKED_BODY = '4;ext="a b"\r\nwiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n';

/** What the scripted upstream saw. */
const seen = { connections: 0, heads: [] as string[], bodies: [] as string[] };

/**
 * Answers by path. Reads requests framed by Content-Length or chunked (enough for what the sidecar sends) and
 * records each head and body.
 */
const upstream = net.createServer((socket) => {
  seen.connections++;
  let buf = '';
  socket.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      let bodyEnd = end + 4 + length;
      if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
        const last = buf.indexOf('\r\n0\r\n\r\n', end);
        if (last < 0) return;
        bodyEnd = last + 7;
      }
      if (buf.length < bodyEnd) return;
      const body = buf.slice(end + 4, bodyEnd);
      buf = buf.slice(bodyEnd);
      seen.heads.push(head);
      seen.bodies.push(body);
      answer(socket, head);
    }
  });
  socket.on('error', () => undefined);
});

function answer(socket: net.Socket, head: string): void {
  const [method, path] = head.split(' ') as [string, string];
  const send = (s: string): boolean => socket.write(s, 'latin1');
  switch (path) {
    case '/chunked':
      return void send(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${CHUNKED_BODY}`);
    case '/close':
      send('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end');
      return void socket.end();
    case '/processing':
      send('HTTP/1.1 102 Processing\r\n\r\n');
      return void setTimeout(() => send('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone'), 50);
    case '/both':
      return void send('HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    case '/cut':
      send('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b');
      return void setTimeout(() => socket.destroy(), 20);
    case '/hop':
      return void send(
        'HTTP/1.1 200 OK\r\nConnection: X-Hop\r\nX-Hop: hidden\r\nKeep-Alive: timeout=7\r\nX-Keep: yes\r\n' +
          'Content-Length: 2\r\n\r\nok',
      );
    default:
      // Paths of the hand-off test answer with themselves, so the order of answers shows.
      if (path.startsWith('/p-')) return void send(`HTTP/1.1 200 OK\r\nContent-Length: ${path.length}\r\n\r\n${path}`);
      return void send(`HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n${method === 'HEAD' ? '' : 'hello'}`);
  }
}

let ads: TestAdsServer;

before(async () => {
  await new Promise<void>((r) => upstream.listen(9080, ipUp, r));
  ads = await startTestAdsServer();
  serveSidecarConfig(ads, {
    podIp: ipA,
    namespace: 'bookinfo',
    services: [{ name: 'details', namespace: 'bookinfo', port: 9080, endpoints: [{ address: ipUp, port: 9080 }] }],
  });
  const pki = await createTestPki();
  await spawnProxy('sidecar-main.js', {
    MB_XDS_ADDRESS: ads.address,
    MB_POD_IP: ipA,
    MB_POD_NAME: 'productpage-v1-a',
    MB_NAMESPACE: 'bookinfo',
    MB_CLUSTER: 'cluster-1',
    MB_CERT_DIR: await pki.workloadDir('cluster-1.local', 'bookinfo', 'bookinfo-productpage'),
    MB_IDLE_TIMEOUT_MS: String(IDLE_MS),
  });
});

after(async () => {
  killAll();
  upstream.close();
  await ads?.close();
});

/** Writes `chunks` on one connection and collects what comes back until `done(data)` or the peer closes. */
function converse(
  chunks: string[],
  done: (data: string) => boolean,
  gapMs = 0,
): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(15001, ipA);
    let data = '';
    const finish = (closed: boolean): void => {
      clearTimeout(limit);
      s.destroy();
      resolve({ data, closed });
    };
    const limit = setTimeout(() => reject(new Error(`no complete answer in 5 s: ${JSON.stringify(data)}`)), 5000);
    s.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      if (done(data)) finish(false);
    });
    s.on('close', () => finish(true));
    s.on('error', () => undefined);
    s.on('connect', async () => {
      for (const c of chunks) {
        s.write(c, 'latin1');
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}
const count = (text: string, re: RegExp): number => text.match(re)?.length ?? 0;
const get = (path: string, extra = ''): string =>
  `GET http://details.bookinfo:9080${path} HTTP/1.1\r\nHost: details.bookinfo:9080\r\n${CREDS}${extra}\r\n`;

describe('outbound fast path', () => {
  it('serves keep-alive GETs over one app connection and one upstream connection, counted in the metrics', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const connectionsBefore = seen.connections;
    const metric = (t: string): number =>
      counterValue(t, 'istio_requests_total', 'reporter', 'source') ||
      Number(/istio_requests_total\{[^}]*response_code="200"[^}]*\} (\d+)/.exec(t)?.[1] ?? 0);
    const before = metric(await proxyMetrics(ipA));
    for (let i = 0; i < 5; i++) {
      const body = await new Promise<string>((resolve, reject) => {
        const req = http.request(
          {
            host: ipA,
            port: 15001,
            path: 'http://details.bookinfo:9080/ok',
            agent,
            headers: { host: 'details.bookinfo:9080', 'proxy-authorization': proxyCredential() },
          },
          (res) => {
            assert.equal(res.statusCode, 200);
            let b = '';
            res.on('data', (d: Buffer) => (b += d.toString()));
            res.on('end', () => resolve(b));
          },
        );
        req.on('error', reject);
        req.end();
      });
      assert.equal(body, 'hello');
    }
    agent.destroy();
    assert.equal(seen.connections - connectionsBefore, 1, 'one upstream connection carried all five');
    assert.ok(metric(await proxyMetrics(ipA)) >= before + 5, 'the requests are in istio_requests_total');
  });

  it('relays a chunked answer byte for byte (extensions, trailers), then serves the next request on both connections', async () => {
    const { data } = await converse([get('/chunked'), get('/ok')], (d) => d.endsWith('hello'));
    const [first, second] = data.split(/(?=HTTP\/1\.1 )/);
    assert.match(first ?? '', /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(first ?? '', /\r\ntransfer-encoding: chunked\r\n/i);
    assert.ok(first?.endsWith(`\r\n\r\n${CHUNKED_BODY}`), JSON.stringify(first));
    assert.match(second ?? '', /^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nhello$/);
  });

  it('chunks an answer delimited by its connection closing, and keeps the app connection open', async () => {
    const { data, closed } = await converse([get('/close'), get('/ok')], (d) => d.endsWith('hello'));
    assert.equal(closed, false);
    const first = data.split(/(?=HTTP\/1\.1 )/)[0] ?? '';
    assert.match(first, /\r\ntransfer-encoding: chunked\r\n/i);
    assert.ok(first.endsWith('\r\n\r\nd\r\nuntil the end\r\n0\r\n\r\n'), JSON.stringify(first));
  });

  it('takes an interim 102 as progress and relays only the final answer', async () => {
    const { data } = await converse([get('/processing')], (d) => d.endsWith('done'));
    assert.match(data, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal(count(data, /HTTP\/1\.1 /g), 1);
  });

  it('answers HEAD with the head only, so a request pipelined behind it is framed right', async () => {
    const head = get('/ok').replace(/^GET/, 'HEAD');
    const { data } = await converse([head + get('/ok')], (d) => d.endsWith('hello'));
    const [first, second] = data.split(/(?=HTTP\/1\.1 )/);
    assert.match(first ?? '', /content-length: 5\r\n[\s\S]*\r\n\r\n$/i);
    assert.match(second ?? '', /\r\n\r\nhello$/);
  });

  it('answers 503 to an upstream that frames its body two ways (MB0903), relaying none of it', async () => {
    const { data } = await converse([get('/both')], (d) => /\r\n\r\n[\s\S]+/.test(d) && d.includes('reset'));
    assert.match(data, /^HTTP\/1\.1 503 /);
    assert.match(data, /connection termination/);
  });

  it('closes the app connection when the upstream cuts a body short: never a short body passed as whole', async () => {
    const { data, closed } = await converse([get('/cut')], () => false);
    assert.equal(closed, true);
    assert.match(data, /content-length: 100\r\n/i);
    assert.ok(data.endsWith('only ten b'), JSON.stringify(data));
  });

  it('drops hop-by-hop headers both ways and states the caller identity itself', async () => {
    const extra =
      'Connection: X-Drop\r\nX-Drop: 1\r\nKeep-Alive: timeout=9\r\nX-Meshbridge-Source-Workload: forged\r\nX-Keep: 1\r\n';
    const { data } = await converse([get('/hop', extra)], (d) => d.endsWith('ok'));
    const sent = seen.heads.at(-1) ?? '';
    assert.match(sent, /^GET \/hop HTTP\/1\.1\r\n/);
    assert.match(sent, /\r\nx-keep: 1(\r\n|$)/);
    for (const gone of [/x-drop/i, /keep-alive/i, /proxy-authorization/i, /forged/, /\r\nconnection:/i]) {
      assert.doesNotMatch(sent, gone);
    }
    assert.equal(count(sent, /x-meshbridge-source-workload: productpage-v1-a/g), 1);
    assert.match(data, /\r\nx-keep: yes\r\n/i);
    assert.doesNotMatch(data, /x-hop|timeout=7/i);
  });

  it('closes a kept-alive connection after the idle time, and cuts one whose client ignores Connection: close', async () => {
    /** A client that never closes its side (allowHalfOpen): when the sidecar ended, and whether it still reads. */
    const open = (chunks: string[]) =>
      new Promise<{ s: net.Socket; endedMs: number; data: string; failed: () => boolean }>((resolve) => {
        const s = net.connect({ port: 15001, host: ipA, allowHalfOpen: true });
        const t0 = Date.now();
        let data = '';
        let failed = false;
        s.on('data', (d: Buffer) => (data += d.toString('latin1')));
        s.on('end', () => resolve({ s, endedMs: Date.now() - t0, data, failed: () => failed }));
        s.on('error', () => (failed = true));
        s.on('connect', () => chunks.forEach((c) => s.write(c, 'latin1')));
      });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const idle = await open([get('/ok')]);
    idle.s.destroy();
    assert.match(idle.data, /hello$/);
    assert.ok(idle.endedMs >= IDLE_MS - 100 && idle.endedMs < IDLE_MS + 1500, `closed after ${idle.endedMs} ms`);
    const closing = await open([get('/ok', 'Connection: close\r\n')]);
    try {
      assert.match(closing.data, /connection: close\r\n[\s\S]*hello$/i);
      assert.ok(closing.endedMs < 500, `FIN after ${closing.endedMs} ms`);
      // Half-closed, the sidecar still takes bytes (and drops them)...
      closing.s.write('x');
      await sleep(200);
      assert.equal(closing.failed(), false);
      // ...until the idle time has passed: then the socket is gone and the client's next bytes are refused.
      // (The first write draws the RST, the second one fails on it.)
      await sleep(IDLE_MS + 300);
      closing.s.write('x');
      await sleep(100);
      closing.s.write('x');
      await sleep(300);
      assert.equal(closing.failed(), true, 'the sidecar cut the half-open connection');
    } finally {
      closing.s.destroy();
    }
  });

  it("hands a connection to Node's server mid-stream without losing or reordering a byte", async () => {
    const chunkedPost =
      `POST http://details.bookinfo:9080/p-posted HTTP/1.1\r\nHost: details.bookinfo:9080\r\n${CREDS}` +
      'Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
    // In one write (pipelined), then again with the hand-off starting in a later segment.
    for (const chunks of [[get('/p-a') + chunkedPost + get('/p-b')], [get('/p-a'), chunkedPost + get('/p-b')]]) {
      const headsBefore = seen.heads.length;
      const { data } = await converse(chunks, (d) => d.endsWith('/p-b'), 30);
      const bodies = data.split(/(?=HTTP\/1\.1 )/).map((r) => r.slice(r.indexOf('\r\n\r\n') + 4));
      assert.deepEqual(bodies, ['/p-a', '/p-posted', '/p-b'], 'answers in request order');
      // Node's server may forward the two pipelined requests it took over side by side, in either order.
      const sent = seen.heads.slice(headsBefore).map((h) => h.split(' ')[1]);
      assert.deepEqual([...sent].sort(), ['/p-a', '/p-b', '/p-posted']);
      assert.equal(seen.bodies[headsBefore + sent.indexOf('/p-posted')], '3\r\nabc\r\n0\r\n\r\n');
    }
  });
});
