/**
 * The productpage HTML, pure: from what details and reviews answered to the page. The Book Details block and
 * its error block are byte-for-byte those of the walkthrough (SEMANTICS.md section 7), so that
 * `curl -s productpage:9080/productpage | grep -i details -A 8` prints what the seed shows. The word "details"
 * therefore appears nowhere else on the page except the served-by comment right after the block.
 */
import { PRODUCT } from './book-data.js';
import type { Review, ReviewsBody } from './reviews.js';

/** What a backend call produced for the page: a value, or unavailable; `servedBy` is the mesh's served-by tag. */
export type Fetched<T> = { ok: true; value: T; servedBy?: string } | { ok: false; servedBy?: string };

/** Input of `renderProductPage`. */
export interface ProductPageInput {
  details: Fetched<Record<string, unknown>>;
  reviews: Fetched<ReviewsBody>;
  /** The signed-in user (bookinfo's `user` cookie), or '' when anonymous. */
  user: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text; backend answers are data, never markup. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

// A comment may not contain "--"; the tag is a pod name and cluster, so this only guards against odd input.
function comment(text: string): string {
  return `<!-- ${escapeHtml(text).replace(/-{2,}/g, '-')} -->`;
}

const DETAIL_ROWS: ReadonlyArray<[label: string, key: string]> = [
  ['Type', 'type'],
  ['Pages', 'pages'],
  ['Publisher', 'publisher'],
  ['Language', 'language'],
  ['ISBN-10', 'ISBN-10'],
  ['ISBN-13', 'ISBN-13'],
];

/** The Book Details block (or its error block) as lines. */
export function detailsBlock(details: Fetched<Record<string, unknown>>): string[] {
  const lines: string[] = [];
  if (details.ok) {
    lines.push('<h4 class="text-center text-primary">Book Details</h4>', '<dl>');
    for (const [label, key] of DETAIL_ROWS) lines.push(`<dt>${label}:</dt>${escapeHtml(details.value[key] ?? '')}`);
    lines.push('</dl>');
  } else {
    lines.push(
      '<h4 class="text-center text-primary">Error fetching product details!</h4>',
      '',
      '<p>Sorry, product details are currently unavailable for this book.</p>',
    );
  }
  if (details.servedBy !== undefined) lines.push(comment(`served by ${details.servedBy}`));
  return lines;
}

function stars(review: Review): string[] {
  const rating = review.rating;
  if (rating === undefined) return [];
  if ('error' in rating) return [`<p class="rating-error">${escapeHtml(rating.error)}</p>`];
  const full = Math.max(0, Math.min(5, Math.trunc(rating.stars)));
  const color = rating.color === 'red' ? 'red' : 'black';
  return [
    `<p class="stars" data-stars="${full}" data-color="${color}" style="color: ${color}">` +
      `${'&#9733;'.repeat(full)}${'&#9734;'.repeat(5 - full)}</p>`,
  ];
}

/** The Book Reviews block (or its error block) as lines. */
export function reviewsBlock(reviews: Fetched<ReviewsBody>): string[] {
  if (!reviews.ok) {
    return [
      '<h4 class="text-center text-primary">Error fetching product reviews!</h4>',
      '',
      '<p>Sorry, product reviews are currently unavailable for this book.</p>',
    ];
  }
  const lines = ['<h4 class="text-center text-primary">Book Reviews</h4>'];
  for (const review of reviews.value.reviews ?? []) {
    lines.push(
      '<blockquote>',
      `<p>${escapeHtml(review.text)}</p>`,
      `<small>${escapeHtml(review.reviewer)}</small>`,
      ...stars(review),
      '</blockquote>',
    );
  }
  lines.push(`<p class="served-by">Reviews served by: ${escapeHtml(reviews.value.podname)}</p>`);
  if (reviews.servedBy !== undefined) lines.push(comment(`reviews served by ${reviews.servedBy}`));
  return lines;
}

const STYLE = [
  'body { font-family: system-ui, sans-serif; margin: 0; color: #222; }',
  'nav { background: #1f2937; padding: 12px 24px; }',
  'nav a { color: #fff; text-decoration: none; font-size: 18px; }',
  '.container { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }',
  '.row { display: flex; flex-wrap: wrap; gap: 32px; }',
  '.col-md-6 { flex: 1 1 420px; }',
  '.text-center { text-align: center; }',
  '.text-primary { color: #1e3a8a; }',
  'dt { display: inline-block; width: 90px; font-weight: 600; margin-top: 4px; }',
  'blockquote { border-left: 4px solid #ddd; margin: 12px 0; padding: 4px 12px; }',
];

/** Renders the whole page. Pure: same input, same bytes (golden-tested). */
export function renderProductPage(input: ProductPageInput): string {
  const user = input.user === '' ? '' : `<span class="user">${escapeHtml(input.user)}</span>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    '<title>Simple Bookstore App</title>',
    '<style>',
    ...STYLE,
    '</style>',
    '</head>',
    '<body>',
    `<nav><a href="#">BookInfo Sample</a>${user}</nav>`,
    '<div class="container">',
    `<h3 class="text-center text-primary">${escapeHtml(PRODUCT.title)}</h3>`,
    // The description is the sample's own trusted markup (a constant), hence not escaped.
    `<p>${PRODUCT.descriptionHtml}</p>`,
    '</div>',
    '<div class="container row">',
    '<div class="col-md-6">',
    ...detailsBlock(input.details),
    '</div>',
    '<div class="col-md-6">',
    ...reviewsBlock(input.reviews),
    '</div>',
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
