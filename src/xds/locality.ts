/**
 * The locality text of contract C: `region/zone/subzone`, as the pod environment carries it (`MB_LOCALITY`) and
 * as Istio writes a WorkloadEntry's `locality`. One writer and one reader, so the proxy announces in its xDS node
 * exactly the locality the pod environment gave it.
 */

/** A region/zone/subzone triple; empty strings mean "unknown". */
export interface LocalityParts {
  readonly region: string;
  readonly zone: string;
  readonly subzone: string;
}

/** Limit on the text {@link parseLocalityText} accepts: three Kubernetes label values and two separators. */
export const MAX_LOCALITY_TEXT = 3 * 63 + 2;

/**
 * `region/zone/subzone` with trailing empty parts dropped (`eu-remote-1`, `eu-west-2/eu-west-2a`); the empty
 * string for no locality. A missing subzone may be `undefined`.
 */
export function localityText(l: { readonly region: string; readonly zone: string; readonly subzone?: string }): string {
  return [l.region, l.zone, l.subzone ?? ''].join('/').replace(/\/+$/, '');
}

/** Error for a locality text that is too long or has more than three parts. */
export class LocalityTextError extends Error {
  readonly code = 'MB0901';
  constructor(readonly text: string) {
    super(`locality ${JSON.stringify(text.slice(0, 80))} is not region/zone/subzone`);
  }
}

/**
 * The inverse of {@link localityText}; missing parts are empty, so `a/b` and `a/b/` both read as region `a`,
 * zone `b`. Throws {@link LocalityTextError} for more than three parts or text over
 * {@link MAX_LOCALITY_TEXT} characters.
 */
export function parseLocalityText(text: string | undefined): LocalityParts {
  if (!text) return { region: '', zone: '', subzone: '' };
  const parts = text.split('/');
  if (text.length > MAX_LOCALITY_TEXT || parts.length > 3) throw new LocalityTextError(text);
  const [region = '', zone = '', subzone = ''] = parts;
  return { region, zone, subzone };
}
