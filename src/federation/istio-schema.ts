/**
 * Istio's own schemas as the last check before a write: every Istio object the controller would create or update
 * is validated against the `openAPIV3Schema` of its kind in Istio's CRD bundle (`@kubernetes-models/istio`, whose
 * validators are generated from Istio 1.29.2's `crd-all.gen.yaml`). An object that fails is not written; the
 * problems carry a field path so the setting's status can say what is wrong (code MB7007).
 *
 * What the package checks: types, enums, bounds, lengths, `required`, `oneOf`. What it does not: Istio's CEL rules
 * (`x-kubernetes-validations`) and unknown fields; a real API server holding Istio's CRDs enforces those itself and
 * answers a write with 422, which the apply layer reports as a failed write (MB7101).
 */
import { DestinationRule, Gateway, ServiceEntry, WorkloadEntry } from '@kubernetes-models/istio/networking.istio.io/v1';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1';
import { formatPath, type PathSegment } from '../api/path.js';
import type { KObject } from '../kube/client.js';
import type { GeneratedKind } from './types.js';

/** The release whose CRD schemas the validators were generated from (said in status messages). */
export const ISTIO_SCHEMA_RELEASE = 'Istio 1.29.2';
/** Code of an object refused because it is invalid against Istio's CRD schema (catalogue: MB7007). */
export const ISTIO_SCHEMA_CODE = 'MB7007';
/** At most this many problems are kept per object: a status message must stay readable. */
const MAX_ISSUES = 8;

/** One problem of an object against its Istio schema. */
export interface IstioSchemaIssue {
  /** Field path in the project's text form (`spec.trafficPolicy.loadBalancer.simple`, `spec.ports["a b"]`). */
  readonly path: string;
  readonly message: string;
}

/** One ajv error as the generated validators report it (only what is read here). */
interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

interface IstioModel {
  readonly apiVersion: string;
  new (data: never): { validate(): void };
}

/** The model of every Istio kind the controller writes; `Namespace` is Kubernetes' own and not an Istio CRD. */
const MODELS: Readonly<Record<Exclude<GeneratedKind, 'Namespace'>, IstioModel>> = {
  WorkloadEntry,
  ServiceEntry,
  DestinationRule,
  Gateway,
  AuthorizationPolicy,
};

/** Whether `kind` is an Istio kind validated here. */
export function isIstioKind(kind: string | undefined): kind is keyof typeof MODELS {
  return kind !== undefined && Object.hasOwn(MODELS, kind);
}

/** The segments of an ajv `instancePath` (a JSON pointer), numbers where the value there is an array's index. */
function segmentsOf(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg: PathSegment = Array.isArray(cur) && /^\d+$/.test(key) ? Number(key) : key;
    out.push(seg);
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined;
  }
  return out;
}

/** One ajv error as a located issue: a missing property is named in the path, like the API server does. */
function issueOf(e: AjvError, root: unknown): IstioSchemaIssue {
  const segments = segmentsOf(e.instancePath, root);
  const missing = e.keyword === 'required' ? e.params?.missingProperty : undefined;
  if (typeof missing === 'string') return { path: formatPath([...segments, missing]), message: 'required' };
  const allowed = e.keyword === 'enum' ? e.params?.allowedValues : undefined;
  const message = Array.isArray(allowed)
    ? `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
    : (e.message ?? e.keyword);
  return { path: formatPath(segments) || '(object)', message };
}

/**
 * Problems of one object against the Istio CRD schema of its kind, at most a few, in the validator's order.
 * Empty for a valid object and for kinds that are not Istio's (a `Namespace`). An `apiVersion` other than the
 * one the schema is for is a problem too: Istio serves each schema under its own group/version only.
 */
export function istioSchemaIssues(object: KObject): IstioSchemaIssue[] {
  if (!isIstioKind(object.kind)) return [];
  const model = MODELS[object.kind];
  if (object.apiVersion !== model.apiVersion) {
    return [{ path: 'apiVersion', message: `must be ${model.apiVersion} for ${object.kind}` }];
  }
  try {
    new model(object as never).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: unknown }).errors;
    if (!Array.isArray(errors) || errors.length === 0) return [{ path: '(object)', message: String(err) }];
    const seen = new Set<string>();
    const out: IstioSchemaIssue[] = [];
    for (const e of errors as AjvError[]) {
      const issue = issueOf(e, object);
      const key = `${issue.path}\0${issue.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(issue);
      if (out.length === MAX_ISSUES) break;
    }
    return out;
  }
}

/** The issues of one refused object as one line: `WorkloadEntry bookinfo/x: spec.ports: must ...; ...`. */
export function describeRefusal(object: KObject, issues: readonly IstioSchemaIssue[]): string {
  const m = object.metadata ?? {};
  const where = m.namespace ? `${m.namespace}/` : '';
  const what = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return `[${ISTIO_SCHEMA_CODE}] ${object.kind} ${where}${m.name ?? ''}: ${what} (invalid against ${ISTIO_SCHEMA_RELEASE}'s CRD schema; not written)`;
}
