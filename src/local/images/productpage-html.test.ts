import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bookDetails } from './book-data.js';
import { detailsBlock, renderProductPage } from './productpage-html.js';
import type { ProductPageInput } from './productpage-html.js';
import { reviewsBody } from './reviews.js';

const GOLDEN = join(import.meta.dirname, '..', '..', '..', 'test', 'images', 'golden');

/** Compares with the golden file; REFRESH_GOLDEN=1 rewrites it. */
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.REFRESH_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from its golden file (REFRESH_GOLDEN=1 to update)`);
}

const reviews = (color: 'none' | 'black' | 'red'): ProductPageInput['reviews'] => ({
  ok: true,
  value: reviewsBody({
    id: '0',
    podName: 'reviews-v2-abc',
    clusterName: 'null',
    color,
    ratings: { Reviewer1: 5, Reviewer2: 4 },
  }),
  servedBy: 'reviews-v2-abc.bookinfo@cluster-1',
});

test('renders the page with details and black-star reviews as the golden file', () => {
  golden(
    'productpage-ok.html',
    renderProductPage({
      details: { ok: true, value: bookDetails(0), servedBy: 'details-v1-abc.bookinfo@cluster-1' },
      reviews: reviews('black'),
      user: '',
    }),
  );
});

test('renders the error blocks when both backends are unavailable as the golden file', () => {
  golden(
    'productpage-errors.html',
    renderProductPage({ details: { ok: false }, reviews: { ok: false }, user: 'jason' }),
  );
});

test('escapes backend values instead of interpreting them as markup', () => {
  const lines = detailsBlock({ ok: true, value: { ...bookDetails(0), type: '<script>x</script>' }, servedBy: 'a--b<' });
  assert.equal(lines[2], '<dt>Type:</dt>&lt;script&gt;x&lt;/script&gt;');
  assert.equal(lines.at(-1), '<!-- served by a-b&lt; -->');
});

test('the word "details" appears only in the details block and its served-by comment', () => {
  const page = renderProductPage({ details: { ok: true, value: bookDetails(0) }, reviews: reviews('red'), user: '' });
  const hits = page.split('\n').filter((l) => /details/i.test(l));
  assert.deepEqual(hits, ['<h4 class="text-center text-primary">Book Details</h4>']);
});
