/**
 * Kinds defined by the CustomResourceDefinitions a cluster stores: read from the store again whenever a CRD was
 * written (a CRD created is served from the next request, a CRD deleted stops being served), each a `KindInfo`
 * like the built-in ones plus what its CRD says about validation and the status subresource. A CRD that names a built-in kind
 * (IngressGateway, the Istio kinds: the production manifests ship their CRDs) changes nothing: the built-in
 * kind keeps being served with its own schema. The management plane's kinds are not built in here: their CRDs
 * (`meshbridge install`) are served like any other.
 */
import { printerColumnsOf, type PrinterColumn } from './printer-columns.js';
import { KINDS, type KindInfo } from '../../api/index.js';
import { objectMetaSchema } from '../../api/schema/meta.js';
import { fromZodIssues } from '../../api/zod-issues.js';
import type { ClusterStore } from '../store/cluster-store.js';
import { celRules, validateAgainstSchema, type SchemaNode } from './structural-schema.js';

/** Storage reference of CustomResourceDefinitions. */
export const CRD_REF = { group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions' } as const;

/** A kind served because a CRD defines it. */
export interface CustomKind extends KindInfo {
  readonly custom: {
    /** The CRD's name (`<plural>.<group>`). */
    readonly crd: string;
    /** The `openAPIV3Schema` of each served version. */
    readonly schemas: ReadonlyMap<string, SchemaNode | undefined>;
    /** Whether `status` is a subresource (writes to the object keep the stored status). */
    readonly status: boolean;
    /** The storage version's `additionalPrinterColumns` (what `kubectl get` prints). */
    readonly printerColumns: readonly PrinterColumn[];
  };
}

/** Whether a served kind comes from a CRD. */
export function isCustomKind(kind: KindInfo): kind is CustomKind {
  return 'custom' in kind;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The kinds the stored CRDs define (valid CRDs only: the store holds nothing else), built-in kinds left out. */
export function customKinds(store: ClusterStore): readonly CustomKind[] {
  // Read again only after a CRD was written: every request asks, and building the kinds compiles their schemas.
  const version = store.resourceVersion(CRD_REF);
  const cached = kindsByStore.get(store);
  if (cached?.version === version) return cached.kinds;
  // Shared by every request until the next CRD write: frozen, like each kind in it.
  const kinds = Object.freeze(readCustomKinds(store));
  kindsByStore.set(store, { version, kinds });
  return kinds;
}

const kindsByStore = new WeakMap<ClusterStore, { version: number; kinds: readonly CustomKind[] }>();

function readCustomKinds(store: ClusterStore): CustomKind[] {
  const out: CustomKind[] = [];
  for (const crd of store.list(CRD_REF)) {
    const spec = rec(crd.spec);
    const names = rec(spec.names);
    const group = String(spec.group ?? '');
    const plural = String(names.plural ?? '');
    // Management-plane kinds are not served by a cluster: their CRDs (GitOps, docs/production.md) define them here.
    if (KINDS.some((k) => k.scope === 'cluster' && k.group === group && k.plural === plural)) continue;
    const versions = (Array.isArray(spec.versions) ? spec.versions : []).map(rec).filter((v) => v.served === true);
    if (versions.length === 0) continue;
    // The storage version first: it is the preferred version and the one objects are stored under.
    versions.sort((a, b) => Number(b.storage === true) - Number(a.storage === true));
    out.push(
      Object.freeze({
        group,
        versions: versions.map((v) => String(v.name)),
        kind: String(names.kind ?? ''),
        plural,
        singular: String(names.singular ?? String(names.kind ?? '').toLowerCase()),
        shortNames: strings(names.shortNames),
        namespaced: spec.scope === 'Namespaced',
        scope: 'cluster' as const,
        custom: {
          crd: crd.metadata.name,
          schemas: new Map(
            versions.map((v) => [String(v.name), rec(v.schema).openAPIV3Schema as SchemaNode | undefined]),
          ),
          status: versions.some((v) => rec(v.subresources).status !== undefined),
          printerColumns: printerColumnsOf(versions[0] ?? {}),
        },
      }),
    );
  }
  return out;
}

/** At most this many bytes of JSON in one custom object (Kubernetes' 1.5 MiB). */
export const MAX_CUSTOM_OBJECT_BYTES = 1536 * 1024;

/** A field the server refuses in a custom object, as an API Status cause. */
export interface CustomCause {
  readonly field: string;
  readonly message: string;
}

/**
 * The problems of an object of a custom kind: its size (at most 1.5 MiB of JSON), its metadata against
 * Kubernetes' ObjectMeta (names are DNS subdomains), and every other field against the served version's
 * `openAPIV3Schema`. A schema with CEL rules is
 * refused as a whole rather than half-checked.
 */
export function customCauses(kind: CustomKind, version: string, obj: Record<string, unknown>): CustomCause[] {
  // Kubernetes' store takes objects up to 1.5 MiB (etcd's request limit); a bigger one is refused whole.
  const size = Buffer.byteLength(JSON.stringify(obj));
  if (size > MAX_CUSTOM_OBJECT_BYTES) {
    return [{ field: '(object)', message: `is ${size} bytes; an object is at most ${MAX_CUSTOM_OBJECT_BYTES} bytes` }];
  }
  const meta = objectMetaSchema.safeParse(obj.metadata ?? {});
  const out: CustomCause[] = meta.success
    ? []
    : fromZodIssues(meta.error.issues, obj.metadata, { kind: kind.kind }).map((i) => ({
        field: i.path ? `metadata.${i.path}` : 'metadata',
        message: i.message,
      }));
  if (typeof rec(obj.metadata).name !== 'string' || rec(obj.metadata).name === '') {
    out.push({ field: 'metadata.name', message: 'required' });
  }
  const schema = kind.custom.schemas.get(version);
  if (!schema) return out;
  const cel = celRules(schema);
  if (cel.length > 0) {
    out.push({
      field: cel[0] ?? '(root)',
      message: `the CRD ${kind.custom.crd} has x-kubernetes-validations (CEL) rules, which local clusters do not evaluate`,
    });
    return out;
  }
  return [...out, ...validateAgainstSchema(schema, obj).map((i) => ({ field: i.path, message: i.message }))];
}
