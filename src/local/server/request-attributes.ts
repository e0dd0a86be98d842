/**
 * What a request asks to do, in the terms authorization decides on: kube-apiserver's RequestInfo. A path under
 * `/api/v1/...` or `/apis/<group>/<version>/...` that names a resource is a resource request (verb, API group,
 * resource, subresource, namespace, name); every other path (`/api`, `/apis/<group>`, `/version`, `/openapi/...`,
 * `/healthz`, ...) is a non-resource request whose verb is the lower-case HTTP method. Pure.
 *
 * Verbs of resource requests, as Kubernetes derives them:
 *
 * | Request                                   | Verb             |
 * | ----------------------------------------- | ---------------- |
 * | GET/HEAD of a named object                | get              |
 * | GET/HEAD of a collection                  | list             |
 * | GET with `?watch=true` (or `1`), or `/watch/...` | watch     |
 * | POST                                      | create           |
 * | PUT                                       | update           |
 * | PATCH                                     | patch            |
 * | DELETE of a named object                  | delete           |
 * | DELETE of a collection                    | deletecollection |
 *
 * A list or watch with the field selector `metadata.name=<n>` carries the name `<n>`, so a rule limited by
 * `resourceNames` can allow it (Kubernetes does the same: that is how a client lists one object it may get).
 */

/** A request for an API resource (or one of its subresources). */
export interface ResourceAttributes {
  readonly resourceRequest: true;
  readonly verb: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: string;
  /** '' when the request is for the resource itself. */
  readonly subresource: string;
  /** '' for a cluster-scoped request (or a request across all namespaces). */
  readonly namespace: string;
  /** '' for a collection. */
  readonly name: string;
  readonly path: string;
}

/** A request for anything else (discovery, version, OpenAPI, health, extensions outside the resource API). */
export interface NonResourceAttributes {
  readonly resourceRequest: false;
  readonly verb: string;
  readonly path: string;
}

/** What a request asks to do. */
export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

/** Subresources of a namespace: `/api/v1/namespaces/<ns>/status` is the status of namespace `<ns>`. */
const NAMESPACE_SUBRESOURCES: ReadonlySet<string> = new Set(['status', 'finalize']);

const METHOD_VERBS: Readonly<Record<string, string>> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

const TRUE_VALUES: ReadonlySet<string> = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

/** The name a field selector requires exactly (`metadata.name=x` or `metadata.name==x`), if any. */
function selectedName(fieldSelector: string | null): string | undefined {
  for (const term of (fieldSelector ?? '').split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*([^=!\s][^\s]*)\s*$/.exec(term);
    if (m?.[1] && !m[1].includes('/')) return m[1];
  }
  return undefined;
}

function segmentsOf(path: string): string[] | undefined {
  try {
    return path
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** The attributes of a request with `method` for `path` (decoded by the caller's URL parser) and `query`. */
export function requestAttributes(method: string, path: string, query: URLSearchParams): RequestAttributes {
  const nonResource: NonResourceAttributes = { resourceRequest: false, verb: method.toLowerCase(), path };
  const segs = segmentsOf(path);
  if (!segs) return nonResource;
  let apiGroup: string;
  let apiVersion: string;
  let parts: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    [apiGroup, apiVersion, parts] = ['', segs[1] ?? '', segs.slice(2)];
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    [apiGroup, apiVersion, parts] = [segs[1] ?? '', segs[2] ?? '', segs.slice(3)];
  } else return nonResource;

  let verb = METHOD_VERBS[method.toUpperCase()] ?? method.toLowerCase();
  if (parts[0] === 'watch') {
    // The deprecated `/watch/` prefix: a watch whatever the method says.
    verb = 'watch';
    parts = parts.slice(1);
    if (parts.length === 0) return nonResource;
  }
  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1] ?? '';
    // `/namespaces/<ns>/<resource>...` addresses a resource inside the namespace; `/namespaces/<ns>[/status]` is the
    // namespace itself (then the namespace is also its name, as kube-apiserver reports it).
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) parts = parts.slice(2);
  }
  const resource = parts[0] ?? '';
  let name = parts[1] ?? '';
  const subresource = parts[2] ?? '';
  if (name === '' && verb === 'get') {
    verb = TRUE_VALUES.has(query.get('watch') ?? '') ? 'watch' : 'list';
  }
  if (name === '' && (verb === 'list' || verb === 'watch')) name = selectedName(query.get('fieldSelector')) ?? '';
  if (name === '' && verb === 'delete') verb = 'deletecollection';
  return { resourceRequest: true, verb, apiGroup, apiVersion, resource, subresource, namespace, name, path };
}
