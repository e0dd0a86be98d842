import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveImage } from '../../src/local/images/index.js';
import type { Pod, TestProxy } from './support.js';
import { ensureImagesBuilt, get, randomLoopback, startPod, startTestProxy } from './support.js';

ensureImagesBuilt();

function entry(image: string): string {
  const r = resolveImage(image);
  if (!r.ok) throw new Error(r.reason);
  return r.entry;
}

const IMG = (name: string): string => entry(`docker.io/istio/examples-bookinfo-${name}:1.20.1`);

const BOOK_DETAILS = [
  '<h4 class="text-center text-primary">Book Details</h4>',
  '<dl>',
  '<dt>Type:</dt>paperback',
  '<dt>Pages:</dt>200',
  '<dt>Publisher:</dt>PublisherA',
  '<dt>Language:</dt>English',
  '<dt>ISBN-10:</dt>1234567890',
  '<dt>ISBN-13:</dt>123-1234567890',
  '</dl>',
];

const DETAILS_ERROR = [
  '<h4 class="text-center text-primary">Error fetching product details!</h4>',
  '',
  '<p>Sorry, product details are currently unavailable for this book.</p>',
];

/** `grep -i details -A 8` on the page, as the walkthrough runs it: the first match and the 8 lines after it. */
function grepDetails(html: string): string[] {
  const lines = html.split('\n');
  const first = lines.findIndex((l) => /details/i.test(l));
  assert.notEqual(first, -1, 'page mentions details');
  return lines.slice(first, first + 9);
}

describe('bookinfo apps as real processes behind a sidecar stand-in', () => {
  const pods: Pod[] = [];
  let proxy: TestProxy;
  const env = (name: string): Record<string, string> => ({
    POD_NAME: `${name}-abc12`,
    POD_NAMESPACE: 'bookinfo',
    HTTP_PROXY: proxy.url,
    http_proxy: proxy.url,
  });
  const start = async (image: string, name: string): Promise<Pod> => {
    const pod = await startPod(IMG(image), env(name));
    pods.push(pod);
    return pod;
  };
  const route = (host: string, pod: Pod, servedBy: string): void => {
    proxy.routes.set(host, { kind: 'forward', address: pod.ip, port: pod.port, servedBy });
  };
  let details: Pod;
  let ratings: Pod;
  let productpage: Pod;
  const reviews: Record<string, Pod> = {};

  before(async () => {
    proxy = await startTestProxy(randomLoopback());
    [details, ratings, reviews.v1, reviews.v2, reviews.v3, productpage] = await Promise.all([
      start('details-v1', 'details-v1'),
      start('ratings-v1', 'ratings-v1'),
      start('reviews-v1', 'reviews-v1'),
      start('reviews-v2', 'reviews-v2'),
      start('reviews-v3', 'reviews-v3'),
      start('productpage-v1', 'productpage-v1'),
    ]);
    route('ratings:9080', ratings, 'ratings-v1-abc12.bookinfo@cluster-1');
  });
  after(async () => {
    await Promise.all(pods.map((p) => p.stop()));
    await proxy.close();
  });

  test('every app listens on its POD_IP and the container port 9080', () => {
    for (const pod of pods) {
      assert.equal(pod.port, 9080);
      assert.match(pod.output(), new RegExp(`listening on ${pod.ip.replaceAll('.', '\\.')}:9080`));
    }
  });

  test('details answers the upstream record for a numeric id and 400 otherwise', async () => {
    const ok = await get(`http://${details.ip}:9080/details/0`);
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['content-type']), /application\/json/);
    assert.deepEqual(JSON.parse(ok.body), {
      id: 0,
      author: 'William Shakespeare',
      year: 1595,
      type: 'paperback',
      pages: 200,
      publisher: 'PublisherA',
      language: 'English',
      'ISBN-10': '1234567890',
      'ISBN-13': '123-1234567890',
    });
    const bad = await get(`http://${details.ip}:9080/details/abc`);
    assert.equal(bad.status, 400);
    assert.deepEqual(JSON.parse(bad.body), { error: 'please provide numeric product ID' });
    assert.equal((await get(`http://${details.ip}:9080/health`)).status, 200);
    assert.equal((await get(`http://${details.ip}:9080/nope`)).status, 404);
  });

  test('ratings answers stars per reviewer', async () => {
    const r = await get(`http://${ratings.ip}:9080/ratings/7`);
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { id: 7, ratings: { Reviewer1: 5, Reviewer2: 4 } });
  });

  test('reviews v1 shows no stars and never calls ratings', async () => {
    const before = proxy.seen.length;
    const r = await get(`http://${reviews.v1!.ip}:9080/reviews/0`);
    const body = JSON.parse(r.body) as { podname: string; reviews: { reviewer: string; rating?: unknown }[] };
    assert.equal(body.podname, 'reviews-v1-abc12');
    assert.deepEqual(
      body.reviews.map((x) => x.reviewer),
      ['Reviewer1', 'Reviewer2'],
    );
    assert.ok(body.reviews.every((x) => x.rating === undefined));
    assert.equal(proxy.seen.length, before);
  });

  test('reviews v2 calls ratings through the proxy in absolute form, forwarding trace headers, and shows black stars', async () => {
    const before = proxy.seen.length;
    const r = await get(`http://${reviews.v2!.ip}:9080/reviews/0`, { 'x-request-id': 'req-42', 'x-b3-traceid': 'abc' });
    const body = JSON.parse(r.body) as { reviews: { rating?: unknown }[] };
    assert.deepEqual(
      body.reviews.map((x) => x.rating),
      [
        { stars: 5, color: 'black' },
        { stars: 4, color: 'black' },
      ],
    );
    const call = proxy.seen.slice(before);
    assert.equal(call.length, 1);
    assert.equal(call[0]!.url, 'http://ratings:9080/ratings/0');
    assert.equal(call[0]!.from, reviews.v2!.ip);
    assert.equal(call[0]!.headers.host, 'ratings:9080');
    assert.equal(call[0]!.headers['x-request-id'], 'req-42');
    assert.equal(call[0]!.headers['x-b3-traceid'], 'abc');
    // The credential from HTTP_PROXY's userinfo went along as Proxy-Authorization; nothing was refused.
    assert.match(String(call[0]!.headers['proxy-authorization']), /^Basic /);
    assert.equal(proxy.refused, 0);
  });

  test('reviews v3 shows red stars', async () => {
    const body = JSON.parse((await get(`http://${reviews.v3!.ip}:9080/reviews/0`)).body) as {
      reviews: { rating?: { color?: string } }[];
    };
    assert.deepEqual(
      body.reviews.map((x) => x.rating?.color),
      ['red', 'red'],
    );
  });

  test('productpage shows the Book Details block byte for byte and says which pod served details', async () => {
    route('details:9080', details, 'details-v1-abc12.bookinfo@cluster-2');
    route('reviews:9080', reviews.v2!, 'reviews-v2-abc12.bookinfo@cluster-1');
    const before = proxy.seen.length;
    const page = await get(`http://${productpage.ip}:9080/productpage`, { 'x-request-id': 'page-1' });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.deepEqual(grepDetails(page.body), BOOK_DETAILS);
    assert.equal(page.headers['x-meshbridge-details-served-by'], 'details-v1-abc12.bookinfo@cluster-2');
    assert.match(page.body, /<!-- served by details-v1-abc12\.bookinfo@cluster-2 -->/);
    assert.match(page.body, /<h4 class="text-center text-primary">Book Reviews<\/h4>/);
    assert.match(page.body, /data-stars="5" data-color="black"/);
    const calls = proxy.seen.slice(before).filter((s) => s.from === productpage.ip);
    assert.deepEqual(calls.map((c) => c.url).sort(), [
      'http://details:9080/details/0',
      'http://reviews:9080/reviews/0',
    ]);
    assert.ok(calls.every((c) => c.headers['x-request-id'] === 'page-1'));
    assert.equal(proxy.refused, 0, 'productpage sends the pod credential on every call');
  });

  test('productpage shows the error block when details is down', async () => {
    route('details:9080', details, 'x');
    proxy.routes.delete('details:9080'); // the proxy answers 503 "no healthy upstream", like an empty cluster
    const page = await get(`http://${productpage.ip}:9080/productpage`);
    assert.equal(page.status, 200);
    assert.deepEqual(grepDetails(page.body).slice(0, 3), DETAILS_ERROR);
    assert.equal(page.headers['x-meshbridge-details-served-by'], undefined);
    // The reason travels in a header, for load tests that must tell a proxy's refusal from a timeout.
    assert.match(String(page.headers['x-meshbridge-details-error']), /^HTTP 503 /);
    assert.match(page.body, /Book Reviews/, 'reviews still render');
  });

  test('productpage shows the error block when details does not answer within its 3 s timeout', async () => {
    proxy.routes.set('details:9080', { kind: 'hang' });
    const t0 = Date.now();
    const page = await get(`http://${productpage.ip}:9080/productpage`);
    const elapsed = Date.now() - t0;
    assert.deepEqual(grepDetails(page.body).slice(0, 3), DETAILS_ERROR);
    assert.ok(elapsed >= 2900 && elapsed < 6000, `took ${elapsed} ms`);
    assert.match(String(page.headers['x-meshbridge-details-error']), /^timeout: /);
  });

  test('productpage shows the reviews error block when reviews fails twice', async () => {
    route('details:9080', details, 'details-v1-abc12.bookinfo@cluster-1');
    proxy.routes.delete('reviews:9080');
    const before = proxy.seen.length;
    const page = await get(`http://${productpage.ip}:9080/productpage`);
    assert.deepEqual(grepDetails(page.body), BOOK_DETAILS);
    assert.match(page.body, /Error fetching product reviews!/);
    const attempts = proxy.seen.slice(before).filter((s) => s.url === 'http://reviews:9080/reviews/0');
    assert.equal(attempts.length, 2);
  });

  test('an app stops with status 0 on SIGTERM', async () => {
    const pod = await startPod(IMG('ratings-v1'), { POD_NAME: 'ratings-x', POD_NAMESPACE: 'bookinfo' });
    const exited = new Promise<number | null>((resolve) => pod.child.once('exit', (code) => resolve(code)));
    pod.child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});

test('an app with an invalid PORT exits 1 and says why', async () => {
  await assert.rejects(
    startPod(IMG('details-v1'), { PORT: 'http' }),
    /PORT must be an integer.*exited \(1\)|exited \(1\).*PORT must be an integer/s,
  );
});

test('the sleep image stays alive until SIGTERM, then exits 0', async () => {
  const pod = await startPod(entry('curlimages/curl:8.16.0'), { POD_NAME: 'sleep-1' }, /running/);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(pod.child.exitCode, null);
  const exited = new Promise<number | null>((resolve) => pod.child.once('exit', (code) => resolve(code)));
  pod.child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
