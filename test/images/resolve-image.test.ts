import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { resolveImage, repositoryOf } from '../../src/local/images/index.js';
import { EXAMPLES, REPO_ROOT } from '../support/paths.js';
import { ensureImagesBuilt } from './support.js';

ensureImagesBuilt();

function imagesIn(file: string): string[] {
  const images: string[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const obj = doc.toJS() as { spec?: { template?: { spec?: { containers?: { image: string }[] } } } } | null;
    for (const c of obj?.spec?.template?.spec?.containers ?? []) images.push(c.image);
  }
  return images;
}

const examples = [...imagesIn(join(EXAMPLES, 'bookinfo.yaml')), ...imagesIn(join(EXAMPLES, 'sleep.yaml'))];

test('every image of the bookinfo and sleep examples resolves to a compiled entry under dist', () => {
  assert.equal(examples.length, 7);
  for (const image of examples) {
    const r = resolveImage(image);
    assert.ok(r.ok, `${image}: ${r.ok ? '' : r.reason}`);
    assert.ok(r.entry.startsWith(join(REPO_ROOT, 'dist', 'local', 'images')), r.entry);
    assert.ok(r.entry.endsWith('.js') && existsSync(r.entry), r.entry);
  }
});

test('each bookinfo image maps to its own app, reviews versions to distinct entries, curl to sleep', () => {
  const entryOf = (image: string): string => {
    const r = resolveImage(image);
    assert.ok(r.ok, image);
    return r.entry.slice(r.entry.lastIndexOf('/') + 1);
  };
  assert.equal(entryOf('docker.io/istio/examples-bookinfo-productpage-v1:1.20.1'), 'productpage-main.js');
  assert.equal(entryOf('docker.io/istio/examples-bookinfo-details-v1:1.20.1'), 'details-main.js');
  assert.equal(entryOf('docker.io/istio/examples-bookinfo-ratings-v1:1.20.1'), 'ratings-main.js');
  assert.equal(entryOf('docker.io/istio/examples-bookinfo-reviews-v1:1.20.1'), 'reviews-v1-main.js');
  assert.equal(entryOf('docker.io/istio/examples-bookinfo-reviews-v2:1.20.1'), 'reviews-v2-main.js');
  assert.equal(entryOf('docker.io/istio/examples-bookinfo-reviews-v3:1.20.1'), 'reviews-v3-main.js');
  const sleep = resolveImage('curlimages/curl:8.16.0');
  assert.ok(sleep.ok && sleep.kind === 'sleep');
  const details = resolveImage('istio/examples-bookinfo-details-v1');
  assert.ok(details.ok && details.kind === 'app');
});

test('the tag, a digest and the implicit Docker Hub registry do not change the resolution', () => {
  const forms = [
    'docker.io/istio/examples-bookinfo-details-v1:1.20.1',
    'istio/examples-bookinfo-details-v1:1.18.0',
    'istio/examples-bookinfo-details-v1',
    'index.docker.io/istio/examples-bookinfo-details-v1:latest',
    'docker.io/istio/examples-bookinfo-details-v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  ];
  const entries = new Set(
    forms.map((f) => {
      const r = resolveImage(f);
      assert.ok(r.ok, f);
      return r.entry;
    }),
  );
  assert.equal(entries.size, 1);
  assert.equal(repositoryOf('docker.io/library/curlimages:1'), 'curlimages');
});

test('an unknown image is refused with a reason naming it and listing what is runnable', () => {
  for (const image of [
    'nginx:1.27',
    'docker.io/istio/examples-bookinfo-ratings-v2:1.20.1',
    'localhost:5000/istio/examples-bookinfo-details-v1:1.20.1',
    'quay.io/curlimages/curl:8.16.0',
  ]) {
    const r = resolveImage(image);
    assert.equal(r.ok, false, image);
    assert.ok(!r.ok && r.reason.includes(JSON.stringify(image)), image);
    assert.ok(!r.ok && r.reason.includes('istio/examples-bookinfo-details-v1'), 'lists the built-in images');
  }
});

test('an empty or malformed image reference is refused, not thrown', () => {
  for (const image of ['', ' ', 'a b:1', ':tag']) {
    const r = resolveImage(image);
    assert.equal(r.ok, false, JSON.stringify(image));
  }
});
