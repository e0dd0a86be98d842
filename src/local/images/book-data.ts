/**
 * The single book of bookinfo and its fixed data, as the upstream sample serves them.
 */

/** Parses a product id path segment; upstream answers 400 for anything that is not an integer. */
export function productIdOf(segment: string | undefined): number | undefined {
  if (segment === undefined || !/^-?\d+$/.test(segment)) return undefined;
  const id = Number(segment);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** The body of upstream's 400 for a non-numeric id. */
export const NON_NUMERIC_ID = { error: 'please provide numeric product ID' } as const;

/** The details record of a book (upstream returns the same record for every id). */
export function bookDetails(id: number): Record<string, string | number> {
  return {
    id,
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  };
}

/** Star ratings per reviewer. */
export const RATINGS: Readonly<Record<string, number>> = Object.freeze({ Reviewer1: 5, Reviewer2: 4 });

/** The two reviews' texts. */
export const REVIEWS = [
  { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
  {
    reviewer: 'Reviewer2',
    text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.',
  },
] as const;

/** The product shown on the page. */
export const PRODUCT = {
  id: 0,
  title: 'The Comedy of Errors',
  descriptionHtml:
    '<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>: The Comedy of Errors ' +
    "is one of <b>William Shakespeare's</b> early plays. It is his shortest and one of his most farcical " +
    'comedies, with a major part of the humour coming from slapstick and mistaken identity, in addition to puns ' +
    'and word play.',
} as const;
