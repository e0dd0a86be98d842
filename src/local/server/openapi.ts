/**
 * A minimal OpenAPI v3 index (`/openapi/v3` and `/openapi/v3/<api|apis/group>/<version>`). It carries no schemas,
 * only one PATCH operation per kind tagged with `x-kubernetes-group-version-kind` and the `fieldValidation` query
 * parameter. That is what kubectl 1.32 looks for before `apply`/`create`: finding it, kubectl leaves validation to
 * the server (`fieldValidation=Strict`) instead of downloading `/openapi/v2` for client-side validation, and —
 * finding no schema — computes patches from its built-in types (strategic merge) or as JSON merge patches (CRDs).
 */
import { apiVersionOf } from '../../api/index.js';
import { SERVED_KINDS } from './discovery.js';

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const k of SERVED_KINDS)
    for (const version of k.versions) seen.set(gvPath(k.group, version), { group: k.group, version });
  return [...seen.values()];
}

/** `/openapi/v3`: the index of group-version documents. */
export function openApiV3Root(): Record<string, unknown> {
  return {
    paths: Object.fromEntries(
      groupVersions().map(({ group, version }) => {
        const p = gvPath(group, version);
        return [p, { serverRelativeURL: `/openapi/v3/${p}?hash=meshbridge` }];
      }),
    ),
  };
}

/** `/openapi/v3/<gv>`, or undefined for an unknown group-version. */
export function openApiV3Document(path: string): Record<string, unknown> | undefined {
  const gv = groupVersions().find(({ group, version }) => gvPath(group, version) === path);
  if (!gv) return undefined;
  const paths: Record<string, unknown> = {};
  for (const k of SERVED_KINDS) {
    if (k.group !== gv.group || !k.versions.includes(gv.version)) continue;
    const ns = k.namespaced ? 'namespaces/{namespace}/' : '';
    paths[`/${gvPath(k.group, gv.version)}/${ns}${k.plural}/{name}`] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: k.group, version: gv.version, kind: k.kind },
        parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'meshbridge', version: apiVersionOf(gv.group, gv.version) },
    paths,
    components: { schemas: {} },
  };
}
