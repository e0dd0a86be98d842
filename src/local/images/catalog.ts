/**
 * The built-in image catalogue: which upstream image references the embedded cluster can run, and as what.
 * Pure: no I/O, so the pod runner and `validate` can both ask "is this image runnable here?".
 */

/** What an image reference resolves to: the entry module name (under dist/local/images) and how it behaves. */
export type CatalogEntry = { module: string; kind: 'app' | 'sleep' | 'meshbridge' };

/** Result of looking an image up: the entry, or a reason a person can act on. */
export type CatalogLookup = ({ ok: true } & CatalogEntry) | { ok: false; reason: string };

// Docker Hub is the implicit registry, so `istio/x`, `docker.io/istio/x` and `index.docker.io/istio/x` name the
// same image (the same normalisation `docker pull` applies).
const IMPLICIT_REGISTRIES = ['docker.io/', 'index.docker.io/', 'registry-1.docker.io/'];

/** Repository (registry prefix, tag and digest removed) -> entry. The tag never matters: one implementation. */
const REPOSITORIES: ReadonlyMap<string, CatalogEntry> = new Map([
  ['istio/examples-bookinfo-productpage-v1', { module: 'productpage-main', kind: 'app' }],
  ['istio/examples-bookinfo-details-v1', { module: 'details-main', kind: 'app' }],
  ['istio/examples-bookinfo-ratings-v1', { module: 'ratings-main', kind: 'app' }],
  ['istio/examples-bookinfo-reviews-v1', { module: 'reviews-v1-main', kind: 'app' }],
  ['istio/examples-bookinfo-reviews-v2', { module: 'reviews-v2-main', kind: 'app' }],
  ['istio/examples-bookinfo-reviews-v3', { module: 'reviews-v3-main', kind: 'app' }],
  ['curlimages/curl', { module: 'sleep-main', kind: 'sleep' }],
  // meshbridge itself (what `meshbridge install` names), with its command line translated by runner/mounts.ts.
  ['meshbridge/meshbridge', { module: 'meshbridge-main', kind: 'meshbridge' }],
]);

/**
 * Strips the registry (only Docker Hub's implicit names), the `@digest` and the `:tag` from an image reference.
 * Returns undefined for an empty or whitespace-bearing reference. A `:` after the last `/` is a tag; one before it
 * belongs to a registry host:port (`localhost:5000/x`), which is kept so it never matches a Hub repository.
 */
export function repositoryOf(image: string): string | undefined {
  if (image.length === 0 || /\s/.test(image)) return undefined;
  let ref = image.split('@', 1)[0] ?? '';
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  for (const prefix of IMPLICIT_REGISTRIES) {
    if (ref.startsWith(prefix)) {
      ref = ref.slice(prefix.length);
      break;
    }
  }
  // Official images live under `library/` on the Hub; `library/x` and `x` are the same repository.
  if (ref.startsWith('library/')) ref = ref.slice('library/'.length);
  return ref.length > 0 ? ref : undefined;
}

/** Looks an image reference up in the catalogue. Pure; see `resolveImage` for the entry file path. */
export function lookupImage(image: string): CatalogLookup {
  const repository = repositoryOf(image);
  if (repository === undefined) return { ok: false, reason: `invalid image reference ${JSON.stringify(image)}` };
  const entry = REPOSITORIES.get(repository);
  if (entry !== undefined) return { ok: true, ...entry };
  return {
    ok: false,
    reason:
      `image ${JSON.stringify(image)} is not a built-in image of the embedded cluster ` +
      `(it runs ${[...REPOSITORIES.keys()].join(', ')} with any tag)`,
  };
}

/** Every repository the catalogue knows, for messages and tests. */
export function knownRepositories(): string[] {
  return [...REPOSITORIES.keys()];
}
