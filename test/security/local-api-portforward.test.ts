/**
 * The pod `portforward` subresource of a local cluster's API refuses, before any connection to a pod is made, what
 * a hostile local user or web page can send: an upgrade without a credential, with a wrong one, for a foreign Host,
 * from a web page (Origin), to a pod of a namespace that does not exist, over SPDY, without the subprotocol; and it
 * ends a session that sends bytes that are not SPDY/3 or a frame over the limit. The target is the counting app,
 * which records every request byte it receives; a first test forwards a request with every check passed and sees it
 * counted, so the zero counts after each refusal mean something.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Duplex } from 'node:stream';
import { countingPod, settle, startSecurityCluster, type SecurityCluster } from './local-api-support.js';
import { HeaderCodec, MAX_FRAME, takeFrame, type Frame } from '../../src/local/server/spdy.js';

let c: SecurityCluster;
/** Bytes the pod had received after the control request. */
let baseline = 0;
const POD = 'forward-target';
const PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
const path = (ns = 'default', pod = POD) => `/api/v1/namespaces/${ns}/pods/${pod}/portforward`;

before(async () => {
  c = await startSecurityCluster(6);
  const res = await c.call('POST', '/api/v1/namespaces/default/pods', countingPod(POD));
  assert.equal(res.status, 201, res.text);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const pod = await c.call('GET', `/api/v1/namespaces/default/pods/${POD}`);
    const conditions = (pod.body.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions;
    if (conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) return;
    await settle(200);
  }
  throw new Error('the target pod never became ready');
});
after(() => c?.stop());

/** A SYN_STREAM frame as kubectl sends it (version 3, compressed headers). */
async function synStream(codec: HeaderCodec, id: number, headers: Record<string, string>): Promise<Buffer> {
  const block = await codec.encode(new Map(Object.entries(headers)));
  const body = Buffer.concat([Buffer.alloc(10), block]);
  body.writeUInt32BE(id, 0);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0);
  head.writeUInt16BE(1, 2);
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

function dataFrame(id: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(id, 0);
  head.writeUInt32BE(data.length, 4);
  return Buffer.concat([head, data]);
}

/** Sends an upgrade request; resolves with the status and Status reason. */
function upgrade(
  method: string,
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; reason?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: new URL(c.url).hostname, port: c.port, method, path: url, headers, setHost: false });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, reason: (JSON.parse(text) as { reason?: string }).reason }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const wsHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({
  host: c.host,
  authorization: `Bearer ${c.token}`,
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-version': '13',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-protocol': PROTOCOL,
  ...extra,
});

async function refused(res: { status: number; reason?: string }, status: number, reason: string): Promise<void> {
  assert.equal(res.status, status);
  assert.equal(res.reason, reason);
  await settle(200);
  assert.equal(c.bytesReceived(), baseline, 'the pod received bytes');
}

/**
 * A minimal WebSocket client over a raw upgrade: WebSocket libraries refuse the subprotocol name kubectl uses
 * (`/` is not a token character), so the test speaks RFC 6455 framing itself (masked binary frames out; unmasked
 * frames in, a close frame's code reported).
 */
interface RawWs {
  send(payload: Buffer): void;
  onMessage(cb: (payload: Buffer) => void): void;
  closed: Promise<number>;
  close(): void;
}

async function open(): Promise<RawWs> {
  const socket = await new Promise<Duplex>((resolve, reject) => {
    const req = request({
      host: new URL(c.url).hostname,
      port: c.port,
      path: path(),
      headers: wsHeaders(),
      setHost: false,
    });
    req.on('upgrade', (res, sock) => {
      assert.equal(res.statusCode, 101);
      assert.equal(res.headers['sec-websocket-protocol'], PROTOCOL);
      resolve(sock);
    });
    req.on('response', (res) => reject(new Error(`not upgraded: ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
  let buf: Buffer = Buffer.alloc(0);
  const listeners: Array<(p: Buffer) => void> = [];
  let resolveClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((r) => (resolveClosed = r));
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      if (buf.length < 2) return;
      let len = (buf[1] as number) & 0x7f;
      let at = 2;
      if (len === 126) [len, at] = [buf.readUInt16BE(2), 4];
      else if (len === 127) [len, at] = [Number(buf.readBigUInt64BE(2)), 10];
      if (buf.length < at + len) return;
      const opcode = (buf[0] as number) & 0x0f;
      const payload = buf.subarray(at, at + len);
      buf = buf.subarray(at + len);
      if (opcode === 8) resolveClosed(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
      else if (opcode === 2) for (const l of listeners) l(payload);
    }
  });
  socket.on('close', () => resolveClosed(1006));
  const frame = (opcode: number, payload: Buffer): Buffer => {
    const mask = Buffer.from([1, 2, 3, 4]);
    const len = payload.length;
    const head =
      len < 126
        ? Buffer.from([0x80 | opcode, 0x80 | len])
        : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
    const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
    return Buffer.concat([head, mask, masked]);
  };
  return {
    send: (payload) => socket.write(frame(2, payload)),
    onMessage: (cb) => listeners.push(cb),
    closed,
    close: () => socket.destroy(),
  };
}

test('with every check passed a request reaches the pod (the control for every refusal below)', async () => {
  const ws = await open();
  const codec = new HeaderCodec();
  const frames: Frame[] = [];
  let pending: Buffer = Buffer.alloc(0);
  ws.onMessage((data: Buffer) => {
    pending = Buffer.concat([pending, data]);
    for (let next = takeFrame(pending); next; next = takeFrame(pending)) {
      frames.push(next.frame);
      pending = next.rest;
    }
  });
  ws.send(await synStream(codec, 1, { streamtype: 'error', port: '8080', requestid: '0' }));
  ws.send(await synStream(codec, 3, { streamtype: 'data', port: '8080', requestid: '0' }));
  ws.send(dataFrame(3, Buffer.from('GET /hello HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n')));
  const deadline = Date.now() + 5000;
  const body = () =>
    Buffer.concat(frames.filter((f) => f.kind === 'data' && f.streamId === 3).map((f) => (f as { data: Buffer }).data));
  while (Date.now() < deadline && !body().toString().includes('counted')) await settle(50);
  ws.close();
  codec.close();
  assert.match(body().toString(), /^HTTP\/1\.1 200 OK[\s\S]*counted$/);
  assert.equal(frames.filter((f) => f.kind === 'other').length, 2, 'two SYN_REPLY frames');
  await settle(300);
  assert.ok(c.bytesReceived() > 0);
  // Later refusals must leave the count where the control left it.
  baseline = c.bytesReceived();
});

test('a port-forward upgrade without a credential is refused with 401', async () => {
  const headers = wsHeaders();
  delete headers.authorization;
  await refused(await upgrade('GET', path(), headers), 401, 'Unauthorized');
});

test('a port-forward upgrade with a wrong token is refused with 401', async () => {
  const wrong = c.token.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'));
  await refused(await upgrade('GET', path(), wsHeaders({ authorization: `Bearer ${wrong}` })), 401, 'Unauthorized');
});

test('a port-forward upgrade for a foreign Host is refused with 403', async () => {
  await refused(await upgrade('GET', path(), wsHeaders({ host: `attacker.example:${c.port}` })), 403, 'Forbidden');
});

test('a port-forward upgrade from a web page (Origin) is refused with 403 even with the token', async () => {
  await refused(await upgrade('GET', path(), wsHeaders({ origin: 'http://attacker.example' })), 403, 'Forbidden');
});

test('a port-forward to a pod of a namespace that does not exist is NotFound', async () => {
  await refused(await upgrade('GET', path('no-such-ns'), wsHeaders()), 404, 'NotFound');
});

test("kubectl's SPDY fallback is refused with 400", async () => {
  const res = await upgrade('POST', path(), {
    host: c.host,
    authorization: `Bearer ${c.token}`,
    connection: 'Upgrade',
    upgrade: 'SPDY/3.1',
    'x-stream-protocol-version': 'portforward.k8s.io',
  });
  await refused(res, 400, 'BadRequest');
});

test('a port-forward upgrade without its subprotocol is refused with 400', async () => {
  await refused(
    await upgrade('GET', path(), wsHeaders({ 'sec-websocket-protocol': 'v5.channel.k8s.io' })),
    400,
    'BadRequest',
  );
});

test('bytes that are not SPDY/3 end the session (1002) and reach no pod', async () => {
  const ws = await open();
  const closed = ws.closed;
  const v2 = Buffer.from([0x80, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1]);
  ws.send(v2);
  assert.equal(await closed, 1002);
  await settle(200);
  assert.equal(c.bytesReceived(), baseline);
});

test('a frame announcing more than the limit ends the session (1002) and reaches no pod', async () => {
  const ws = await open();
  const closed = ws.closed;
  const head = Buffer.alloc(8);
  head.writeUInt32BE(3, 0);
  head.writeUInt32BE(MAX_FRAME + 1, 4);
  ws.send(head);
  assert.equal(await closed, 1002);
  await settle(200);
  assert.equal(c.bytesReceived(), baseline);
});
