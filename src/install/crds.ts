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
  return crdManifest(info, info.namespaced ? 'Namespaced' : 'Cluster', {
    schema: { openAPIV3Schema },
    ...(props.status ? { subresources: { status: {} } } : {}),
  });
}

/** kstatus: what the GitOps sync writes in a management-plane CR's status (src/mgmt/gitops/conditions.ts). */
const GITOPS_STATUS: JsonSchema = {
  type: 'object',
  properties: {
    observedGeneration: { type: 'integer' },
    conditions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'status'],
        properties: {
          type: { type: 'string' },
          status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
          reason: { type: 'string' },
          message: { type: 'string' },
          observedGeneration: { type: 'integer' },
          lastTransitionTime: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
};

/**
 * The CRD of a management-plane kind (Organization, Tenant, Workspace, WorkspaceSetting, ...) for GitOps: the
 * model's spec schema, namespaced (GitOps tools apply into a namespace; the hierarchy is in annotations, see
 * src/mgmt/gitops/cr-form.ts), a status subresource with kstatus conditions, and a Ready column.
 */
export function gitOpsCrdFor(kind: string): Manifest {
  const info = KINDS.find((k) => k.kind === kind && k.scope === 'mgmt');
  if (!info || !Object.hasOwn(SCHEMAS, kind)) throw new Error(`${kind} is not a management-plane kind`);
  const json = jsonSchemaFor(kind as KindName) as JsonSchema;
  const spec = ((json.properties ?? {}) as Record<string, JsonSchema>).spec;
  const openAPIV3Schema: JsonSchema = {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      ...(spec ? { spec: toStructuralSchema(spec) } : {}),
      status: GITOPS_STATUS,
    },
  };
  return crdManifest(info, 'Namespaced', {
    schema: { openAPIV3Schema },
    subresources: { status: {} },
    additionalPrinterColumns: [
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Message', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message', priority: 1 },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  });
}

/** A CRD of a registry kind: its names and group, each served version with `perVersion` (the first stores). */
function crdManifest(info: KindInfo, scope: 'Namespaced' | 'Cluster', perVersion: Record<string, unknown>): Manifest {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${info.plural}.${info.group}`, labels: { 'app.kubernetes.io/part-of': 'meshbridge' } },
    spec: {
      group: info.group,
      names: names(info),
      scope,
      versions: info.versions.map((name, i) => ({ name, served: true, storage: i === 0, ...perVersion })),
    },
  };
}

/** Every management-plane kind's GitOps CRD. */
export function gitOpsCrds(): Manifest[] {
  return KINDS.filter((k) => k.scope === 'mgmt').map((k) => gitOpsCrdFor(k.kind));
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
