/**
 * CustomResourceDefinitions generated from the resource model (src/api's zod schemas and kind registry), so a
 * CRD and the REST API's validator cannot drift: the spec's schema is the model's, translated by crd-schema.ts.
 */
import { jsonSchemaFor, KINDS, SCHEMAS, type KindInfo, type KindName } from '../api/index.js';
import { toStructuralSchema, type JsonSchema } from './crd-schema.js';
import type { Manifest } from './manifest.js';

/** The CRD of a cluster kind of the registry (e.g. IngressGateway). */
export function crdFor(kind: string): Manifest {
  const info = KINDS.find((k) => k.kind === kind && k.group !== '');
  if (!info || !Object.hasOwn(SCHEMAS, kind)) throw new Error(`no model for kind ${kind}`);
  const json = jsonSchemaFor(kind as KindName) as JsonSchema;
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const openAPIV3Schema: JsonSchema = {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      ...(props.spec ? { spec: toStructuralSchema(props.spec) } : {}),
      ...(props.status ? { status: toStructuralSchema(props.status) } : {}),
    },
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${info.plural}.${info.group}`, labels: { 'app.kubernetes.io/part-of': 'meshbridge' } },
    spec: {
      group: info.group,
      names: names(info),
      scope: info.namespaced ? 'Namespaced' : 'Cluster',
      versions: info.versions.map((name, i) => ({
        name,
        served: true,
        storage: i === 0,
        schema: { openAPIV3Schema },
        ...(props.status ? { subresources: { status: {} } } : {}),
      })),
    },
  };
}

function names(info: KindInfo): Record<string, unknown> {
  return {
    kind: info.kind,
    listKind: `${info.kind}List`,
    plural: info.plural,
    singular: info.singular,
    ...(info.shortNames.length > 0 ? { shortNames: [...info.shortNames] } : {}),
  };
}
