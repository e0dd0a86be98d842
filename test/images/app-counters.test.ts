// Built-in apps count what they receive (connections, requests, raw bytes) in their pod's state directory, so a
// security test can assert that 0 bytes reached an application.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { resolveImage } from '../../src/local/images/index.js';
import { readCountersIn, settleCounters } from '../support/app-counters.js';
import type { Pod } from './support.js';
import { ensureImagesBuilt, get, startPod } from './support.js';

ensureImagesBuilt();

const image = resolveImage('docker.io/istio/examples-bookinfo-details-v1:1.20.1');
if (!image.ok) throw new Error(image.reason);
const pods: Pod[] = [];
after(async () => {
  await Promise.all(pods.map((p) => p.stop()));
});

const counters = (pod: Pod) => {
  const all = readCountersIn(pod.dir);
  assert.equal(all.length, 1, `one counters file in ${pod.dir}`);
  return all[0]!;
};

test('an app that received nothing says so: 0 connections, 0 requests, 0 bytes', async () => {
  const pod = await startPod(image.entry, { POD_NAME: 'details-v1-a', POD_NAMESPACE: 'bookinfo' });
  pods.push(pod);
  const c = counters(pod);
  assert.deepEqual(
    {
      app: c.app,
      pod: c.pod,
      namespace: c.namespace,
      connections: c.connections,
      requests: c.requests,
      bytes: c.bytes,
    },
    { app: 'details', pod: 'details-v1-a', namespace: 'bookinfo', connections: 0, requests: 0, bytes: 0 },
  );
});

test('requests and their bytes are counted', async () => {
  const pod = await startPod(image.entry, { POD_NAME: 'details-v1-b', POD_NAMESPACE: 'bookinfo' });
  pods.push(pod);
  const r = await get(`http://${pod.ip}:${pod.port}/details/0`);
  assert.equal(r.status, 200);
  await settleCounters();
  const c = counters(pod);
  assert.equal(c.requests, 1);
  assert.equal(c.connections, 1);
  assert.ok(c.bytes > 30, `bytes ${c.bytes}`);
});

test('bytes that never form a request are counted once the connection closes', async () => {
  const pod = await startPod(image.entry, { POD_NAME: 'details-v1-c', POD_NAMESPACE: 'bookinfo' });
  pods.push(pod);
  const junk = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]);
  await new Promise<void>((resolve) => {
    const s = net.connect({ host: pod.ip, port: pod.port }, () => s.end(junk));
    s.on('error', () => {});
    s.on('close', () => resolve());
    s.resume();
  });
  await settleCounters();
  const c = counters(pod);
  assert.equal(c.requests, 0);
  assert.equal(c.connections, 1);
  assert.equal(c.bytes, junk.length);
});
