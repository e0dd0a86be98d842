/**
 * `validateObject`: checks one object against its kind (schema, then rules within the object) and returns every
 * problem found, errors apart from warnings, plus the object with defaults applied. Pure; never throws.
 */
import { findPlaceholders } from './checks/placeholders.js';
import { checkDeployment, checkPodSpec, checkService } from './checks/k8s.js';
import { checkIngressGateway } from './checks/gateway.js';
import { partialRules } from './checks/partial.js';
import { checkDestinationRule, checkServiceEntry, checkWorkspaceSetting } from './checks/mesh.js';
import { applyDefaults } from './defaults.js';
import { findForbiddenKey } from './object-paths.js';
import { makeIssue, partition, type Issue, type ValidationResult } from './issues.js';
import { isKindName, SCHEMAS, type ApiObject } from './kinds/index.js';
import { KINDS, findKind, splitApiVersion } from './registry.js';
import { describeType, fromZodIssues } from './zod-issues.js';

/** Deepest nesting an object may have (Kubernetes objects stay far below; deeper input is an attack or a bug). */
export const MAX_OBJECT_DEPTH = 100;

type Who = { kind?: string | undefined; name?: string | undefined };

/**
 * A copy of `value` without mapping entries whose value is null (Kubernetes and protobuf JSON read an explicit
 * null as "not set", and `kubectl create --dry-run -o yaml` writes `creationTimestamp: null`), or undefined when
 * the value nests deeper than MAX_OBJECT_DEPTH.
 */
function withoutNulls(value: unknown, depth = 0): { value: unknown } | undefined {
  if (depth > MAX_OBJECT_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const r = withoutNulls(item, depth + 1);
      if (!r) return undefined;
      out.push(r.value);
    }
    return { value: out };
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null) continue;
      const r = withoutNulls(v, depth + 1);
      if (!r) return undefined;
      out[k] = r.value;
    }
    return { value: out };
  }
  return { value };
}

function header(obj: Record<string, unknown>, who: Who): Issue[] {
  const out: Issue[] = [];
  for (const field of ['apiVersion', 'kind'] as const) {
    const v = obj[field];
    if (v === undefined) out.push(makeIssue('REQUIRED', field, 'required', who));
    else if (typeof v !== 'string')
      out.push(makeIssue('WRONG_TYPE', field, `expected a string, got ${describeType(v)}`, who));
  }
  if (out.length > 0) return out;
  const apiVersion = obj.apiVersion as string;
  const kind = obj.kind as string;
  if (findKind(apiVersion, kind) && isKindName(kind)) return [];
  const sameKind = KINDS.filter((k) => k.kind === kind);
  if (sameKind.length > 0) {
    const accepted = sameKind.flatMap((k) => k.versions.map((v) => (k.group === '' ? v : `${k.group}/${v}`)));
    return [
      makeIssue(
        'UNSUPPORTED_VERSION',
        'apiVersion',
        `${kind} is served as ${accepted.join(', ')}, not ${apiVersion}`,
        who,
      ),
    ];
  }
  const { group } = splitApiVersion(apiVersion);
  const inGroup = KINDS.filter((k) => k.group === group).map((k) => k.kind);
  const hint = inGroup.length > 0 ? ` (${apiVersion} has ${inGroup.join(', ')})` : '';
  return [makeIssue('UNKNOWN_KIND', 'kind', `unknown kind ${kind} in ${apiVersion}${hint}`, who)];
}

function rules(obj: ApiObject, who: { kind: string; name?: string | undefined }): Issue[] {
  switch (obj.kind) {
    case 'Deployment':
      return checkDeployment(obj, who);
    case 'Pod':
      return checkPodSpec(obj.spec, ['spec'], who);
    case 'Service':
      return checkService(obj, who);
    case 'DestinationRule':
      return checkDestinationRule(obj, who);
    case 'ServiceEntry':
      return checkServiceEntry(obj, who);
    case 'WorkspaceSetting':
      return checkWorkspaceSetting(obj, who);
    case 'IngressGateway':
      return checkIngressGateway(obj, who);
    default:
      return [];
  }
}

/** Validates one object of any kind. `ok` is true when there are no errors; `value` then holds the defaulted object. */
export function validateObject(obj: unknown): ValidationResult {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    const e = makeIssue('NOT_AN_OBJECT', '', `expected a mapping with apiVersion and kind, got ${describeType(obj)}`);
    return { ok: false, errors: [e], warnings: [] };
  }
  const raw = obj as Record<string, unknown>;
  const meta = raw.metadata;
  const name =
    meta && typeof meta === 'object' && typeof (meta as Record<string, unknown>).name === 'string'
      ? ((meta as Record<string, unknown>).name as string)
      : undefined;
  const who: Who = { kind: typeof raw.kind === 'string' ? raw.kind : undefined, name };
  // Before anything copies the object: assigning a `__proto__` key while copying would change the copy's
  // prototype instead of keeping the key.
  const forbidden = findForbiddenKey(raw);
  if (forbidden !== undefined) {
    const e = makeIssue(
      'FORBIDDEN_KEY',
      forbidden,
      'this key is refused: it would change the prototype of objects',
      who,
    );
    return { ok: false, errors: [e], warnings: [] };
  }
  // Bound the depth first: every later step walks the object.
  const cleaned = withoutNulls(raw);
  if (!cleaned) {
    const e = makeIssue('TOO_DEEP', '', `object nests deeper than ${MAX_OBJECT_DEPTH} levels`, who);
    return { ok: false, errors: [e], warnings: [] };
  }
  const placeholders = findPlaceholders(cleaned.value, who);
  const headerIssues = header(raw, who);
  if (headerIssues.length > 0) return { ok: false, ...partition([...headerIssues, ...placeholders]) };
  const kind = raw.kind as keyof typeof SCHEMAS;
  const parsed = SCHEMAS[kind].safeParse(cleaned.value);
  const issues: Issue[] = parsed.success ? [] : fromZodIssues(parsed.error.issues, cleaned.value, who);
  const isTsb = KINDS.some((k) => k.kind === kind && k.scope === 'mgmt');
  if (!isTsb && name === undefined && !issues.some((i) => i.path.startsWith('metadata'))) {
    const m = (cleaned.value as { metadata?: { generateName?: unknown } }).metadata;
    if (m?.generateName === undefined) issues.push(makeIssue('REQUIRED', 'metadata.name', 'required', who));
  }
  issues.push(
    ...(parsed.success ? rules(parsed.data, { kind, name }) : partialRules(kind, cleaned.value, { kind, name })),
  );
  issues.push(...placeholders);
  const { errors, warnings } = partition(issues);
  if (errors.length > 0 || !parsed.success) return { ok: false, errors, warnings };
  return { ok: true, errors, warnings, value: applyDefaults(parsed.data) };
}
