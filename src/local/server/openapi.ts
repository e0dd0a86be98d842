/**
 * The OpenAPI v3 documents (`/openapi/v3` and `/openapi/v3/<api|apis/group>/<version>`). Each group-version
 * document has, per kind, the kind's schema under `components.schemas` (generated from the resource model's zod
 * schemas, openapi-schema.ts; `kubectl explain` reads these) and one PATCH operation tagged with
 * `x-kubernetes-group-version-kind` and the `fieldValidation` query parameter. That operation is what kubectl 1.32
 * looks for before `apply`/`create`: finding it, kubectl leaves validation to the server (`fieldValidation=Strict`)
 * instead of downloading `/openapi/v2`. It names no request media types on purpose: kubectl computes
 * strategic-merge patches from an OpenAPI v3 schema only when the PATCH operation accepts
 * `application/strategic-merge-patch+json`, and these schemas carry no patch strategies, so kubectl keeps
 * computing patches from its built-in types (strategic merge) or as JSON merge patches (CRDs).
 */
import { apiVersionOf, isKindName, jsonSchemaFor, type KindInfo } from '../../api/index.js';
import { isCustomKind } from './custom-kinds.js';
import { readOnlyKind, servedKinds } from './discovery.js';
import { kindSchema } from './openapi-schema.js';

/** A schema's name in `components.schemas`, in Kubernetes' reverse-domain style (`io.k8s.api.apps.v1.Deployment`). */
function schemaName(group: string, version: string, kind: string): string {
  const domain = group === '' ? 'io.k8s.api.core' : group.split('.').reverse().join('.');
  return `${domain}.${version}.${kind}`;
}

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function groupVersions(custom: readonly KindInfo[]): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const k of servedKinds(custom))
    for (const version of k.versions) seen.set(gvPath(k.group, version), { group: k.group, version });
  return [...seen.values()];
}

/** `/openapi/v3`: the index of group-version documents (`custom`: the kinds the stored CRDs define). */
export function openApiV3Root(custom: readonly KindInfo[] = []): Record<string, unknown> {
  return {
    paths: Object.fromEntries(
      groupVersions(custom).map(({ group, version }) => {
        const p = gvPath(group, version);
        return [p, { serverRelativeURL: `/openapi/v3/${p}?hash=meshbridge` }];
      }),
    ),
  };
}

/** `/openapi/v3/<gv>`, or undefined for an unknown group-version. */
export function openApiV3Document(path: string, custom: readonly KindInfo[] = []): Record<string, unknown> | undefined {
  const gv = groupVersions(custom).find(({ group, version }) => gvPath(group, version) === path);
  if (!gv) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const k of servedKinds(custom)) {
    if (k.group !== gv.group || !k.versions.includes(gv.version)) continue;
    if (isCustomKind(k)) {
      // A CRD's kind: its own schema, as the API server publishes it (kubectl explain reads it).
      const schema = k.custom.schemas.get(gv.version);
      schemas[schemaName(k.group, gv.version, k.kind)] = {
        ...(schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
        'x-kubernetes-group-version-kind': [{ group: k.group, version: gv.version, kind: k.kind }],
      };
    } else if (isKindName(k.kind) && !readOnlyKind(k)) {
      schemas[schemaName(k.group, gv.version, k.kind)] = kindSchema({
        jsonSchema: jsonSchemaFor(k.kind),
        group: k.group,
        version: gv.version,
        kind: k.kind,
      });
    }
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
    components: { schemas },
  };
}
