/**
 * Pure checks on what the walkthrough observes, named after the seed's acceptance results (SEMANTICS.md section 7).
 * The demo prints and verifies with them; the walkthrough test asserts with them.
 */

/** The lines of the seed's `grep -i details -A 8`: every line matching /details/i and the 8 lines after each. */
export function grepDetails(html: string, after = 8): string[] {
  const lines = html.split('\n');
  const keep = new Set<number>();
  lines.forEach((line, i) => {
    if (/details/i.test(line)) for (let j = i; j <= Math.min(lines.length - 1, i + after); j++) keep.add(j);
  });
  return [...keep].sort((a, b) => a - b).map((i) => lines[i] ?? '');
}

/** The Book Details block the seed shows when `details` answers. */
export const BOOK_DETAILS_LINES: readonly string[] = [
  '<h4 class="text-center text-primary">Book Details</h4>',
  '<dt>Type:</dt>paperback',
  '<dt>Pages:</dt>200',
  '<dt>Publisher:</dt>PublisherA',
  '<dt>Language:</dt>English',
  '<dt>ISBN-10:</dt>1234567890',
  '<dt>ISBN-13:</dt>123-1234567890',
];

/** The error block productpage shows when `details` is unavailable. */
export const DETAILS_ERROR_LINES: readonly string[] = [
  '<h4 class="text-center text-primary">Error fetching product details!</h4>',
  '<p>Sorry, product details are currently unavailable for this book.</p>',
];

function containsAll(html: string, wanted: readonly string[]): boolean {
  const lines = new Set(html.split('\n').map((l) => l.trim()));
  return wanted.every((w) => lines.has(w));
}

/** True when the page carries the complete Book Details block. */
export function showsBookDetails(html: string): boolean {
  return containsAll(html, BOOK_DETAILS_LINES);
}

/** True when the page carries the details error block (and not the details block). */
export function showsDetailsError(html: string): boolean {
  return containsAll(html, DETAILS_ERROR_LINES) && !showsBookDetails(html);
}

/** One row of `get we`: what the seed's `kubectl get we -n bookinfo` lists. */
export interface WorkloadEntryRow {
  readonly name: string;
  readonly address: string;
}

/** The seed's WorkloadEntry name shape: `k-<service>-<32 hex>` with an optional `-2`, `-3`… suffix. */
export const GENERATED_WE_NAME = /^k-([a-z0-9-]+?)-([0-9a-f]{32})(?:-(\d+))?$/;

/** Groups generated entries by service: service -> sorted addresses. Rows that are not generated are ignored. */
export function entriesByService(rows: readonly WorkloadEntryRow[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const row of rows) {
    const m = GENERATED_WE_NAME.exec(row.name);
    if (!m || !m[1]) continue;
    const list = out.get(m[1]) ?? [];
    list.push(row.address);
    out.set(m[1], list);
  }
  for (const list of out.values()) list.sort();
  return out;
}

/** The cluster named in a `x-meshbridge-served-by: <pod>.<ns>@<cluster>` value, if any. */
export function servedByCluster(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const at = value.lastIndexOf('@');
  return at < 0 ? undefined : value.slice(at + 1);
}
