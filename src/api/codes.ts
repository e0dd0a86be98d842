/**
 * The one catalogue of meshbridge's codes. Every problem meshbridge reports — about configuration, or at run time
 * from a component — carries one of these codes, and `docs/errors.md` documents each (its tables are generated
 * from this file by `npm run docs:errors`; a test keeps the two in step, and another that every code the code base
 * throws or replies with is here). Codes are stable: never renumber, only add. The form is `MB<area><nn>`:
 *
 * - MB00xx: the input itself (YAML/JSON syntax, limits)
 * - MB01xx: one object against its kind's schema
 * - MB02xx: rules within one object beyond its schema
 * - MB03xx: rules across the documents given together
 * - MB04xx: IngressGateway overlays
 * - MB05xx: local clusters: admission rules (pods are processes on this machine) and the built-in apps
 * - MB06xx: identity: the CA and workload certificates
 * - MB08xx: the embedded mesh control plane (xDS)
 * - MB09xx: the data plane (sidecars and gateways)
 * - MB12xx: `meshbridge install`: the production manifests
 * - MB70xx: the federation's plan (warnings on what it cannot generate), explain, and objects refused before a write
 * - MB71xx: the Kubernetes client
 * - MB90xx: the management plane's API (with the HTTP status it answers)
 * - MB91xx: the management plane's checks of submitted objects
 * - MB92xx: the management plane's telemetry sources
 */

/** Whether a code reports an error (refused, or failed) or a warning (accepted, but probably not meant). */
export type Severity = 'error' | 'warning';

/** One catalogue entry. */
export interface CodeInfo<C extends string = string> {
  readonly code: C;
  readonly severity: Severity;
  /** Short title, as in docs/errors.md. */
  readonly title: string;
  /** The HTTP status an API answers with this code, where the code goes on the wire as a reply of its own. */
  readonly status?: number;
}

const entry = <C extends string>(code: C, severity: Severity, title: string, status?: number): CodeInfo<C> =>
  Object.freeze(status === undefined ? { code, severity, title } : { code, severity, title, status });

/** Every code, by symbolic name. */
export const CODES = Object.freeze({
  YAML_SYNTAX: entry('MB0001', 'error', 'YAML or JSON syntax error'),
  DUPLICATE_KEY: entry('MB0002', 'error', 'duplicate key in a mapping'),
  ALIAS_LIMIT: entry('MB0003', 'error', 'too many alias expansions (alias bomb)'),
  TOO_DEEP: entry('MB0004', 'error', 'nesting too deep'),
  TOO_LARGE: entry('MB0005', 'error', 'input too large'),
  NOT_AN_OBJECT: entry('MB0006', 'error', 'document is not a mapping'),
  YAML_WARNING: entry('MB0007', 'warning', 'YAML construct that may not mean what it seems'),
  UNSUPPORTED_TAG: entry('MB0008', 'error', 'unsupported YAML tag or value'),
  TOO_MANY_DOCUMENTS: entry('MB0009', 'error', 'too many documents'),
  FORBIDDEN_KEY: entry('MB0010', 'error', 'forbidden object key (__proto__, constructor, prototype)'),
  UNKNOWN_KIND: entry('MB0101', 'error', 'unknown apiVersion/kind'),
  REQUIRED: entry('MB0102', 'error', 'required field missing'),
  WRONG_TYPE: entry('MB0103', 'error', 'wrong type'),
  UNKNOWN_FIELD: entry('MB0104', 'error', 'unknown field'),
  INVALID_VALUE: entry('MB0105', 'error', 'value not allowed'),
  OUT_OF_RANGE: entry('MB0106', 'error', 'value or size out of range'),
  INVALID_FORMAT: entry('MB0107', 'error', 'string has the wrong format'),
  UNSUPPORTED_VERSION: entry('MB0108', 'error', 'kind known, apiVersion not supported'),
  SELECTOR_MISMATCH: entry('MB0201', 'error', 'selector does not match the pod template labels'),
  PORT_NAME_REQUIRED: entry('MB0202', 'error', 'port name required when there are several ports'),
  DUPLICATE_NAME: entry('MB0203', 'error', 'duplicate name or number in a list'),
  UNDEFINED_REFERENCE: entry('MB0204', 'error', 'reference to something the object does not define'),
  PLACEHOLDER: entry('MB0205', 'warning', 'unsubstituted ${VAR} placeholder'),
  UNDEFINED_WORKSPACE: entry('MB0301', 'error', 'WorkspaceSetting for a workspace the documents do not define'),
  OVERLAY_CANNOT_APPLY: entry('MB0302', 'error', 'IngressGateway overlay cannot apply'),
  EXPOSES_EVERYTHING: entry('MB0303', 'warning', 'East-West setting without exposedServices exposes every service'),
  FAILOVER_WITHOUT_OUTLIER_DETECTION: entry('MB0304', 'warning', 'failover without outlier detection'),
  DUPLICATE_OBJECT: entry('MB0305', 'warning', 'the same object appears twice (the later one wins)'),
  UNDEFINED_PARENT: entry('MB0306', 'error', 'parent organization or tenant not defined by the documents'),
  SELECTS_NO_GATEWAY: entry(
    'MB0307',
    'warning',
    'East-West setting selects none of the gateways defined in its namespace',
  ),
  OVERLAY_PATH_SYNTAX: entry('MB0401', 'error', 'overlay path syntax error'),
  OVERLAY_TARGET_NOT_FOUND: entry('MB0403', 'error', 'overlay names no generated object'),
  PROCESS_STEERING_ENV: entry(
    'MB0501',
    'error',
    'environment variable that steers how a local pod process starts (NODE_OPTIONS, LD_PRELOAD, ...)',
  ),
  APP_POD_ENV: entry('MB0502', 'error', "a built-in app's pod environment is unusable"),
  ROOT_CA_UNREADABLE: entry('MB0601', 'error', 'root CA material missing or unreadable'),
  INVALID_IDENTITY: entry('MB0602', 'error', 'invalid SPIFFE identity or serving certificate request'),
  WORKLOAD_CERT_UNREADABLE: entry('MB0603', 'error', 'workload certificate files missing or unreadable'),
  XDS_UNKNOWN_TYPE: entry('MB0801', 'error', 'xDS type with no loaded proto'),
  XDS_UNKNOWN_FIELD: entry('MB0802', 'error', 'xDS resource field its proto does not define'),
  XDS_BAD_NODE_ID: entry('MB0803', 'error', 'proxy node id not of the form sidecar~... or router~...'),
  XDS_BAD_DURATION: entry('MB0804', 'error', 'duration that is not a valid protobuf Duration'),
  CONTROL_PLANE_OPTIONS: entry('MB0805', 'error', 'mesh control plane started with invalid options'),
  XDS_MISSING_NODE: entry('MB0806', 'error', 'ADS stream whose first request names no node'),
  PROXY_CONFIG: entry('MB0901', 'error', 'proxy environment missing or invalid'),
  UPSTREAM_IDENTITY: entry('MB0902', 'error', "upstream certificate is not the destination service's identity"),
  UPSTREAM_PROTOCOL: entry('MB0903', 'error', 'upstream answered outside HTTP/1.1 (bad head or body framing)'),
  INSTALL_BAD_OPTION: entry('MB1201', 'error', 'install flag out of range or malformed'),
  PLAN_EXPOSES_ALL: entry('MB7001', 'warning', 'East-West setting exposes every service of the workspace'),
  PLAN_NO_GATEWAY_ADDRESS: entry('MB7002', 'warning', 'selected gateway has no address yet'),
  PLAN_UNRESOLVED_ADDRESS: entry('MB7003', 'warning', 'gateway address is a DNS name that did not resolve'),
  PLAN_UNNAMED_PORT: entry('MB7004', 'warning', 'exposed service port has no name'),
  PLAN_NO_TRUST_DOMAIN: entry('MB7005', 'warning', 'Cluster without spec.trustDomain'),
  EXPLAIN_UNKNOWN_CLIENT: entry('MB7006', 'error', 'explain client pod not found in the client cluster'),
  ISTIO_SCHEMA_INVALID: entry(
    'MB7007',
    'error',
    "generated Istio object invalid against Istio's CRD schema; not written",
  ),
  KUBE_API_FAILED: entry('MB7101', 'error', 'Kubernetes API call failed'),
  KUBE_NOT_FOUND: entry('MB7102', 'error', 'Kubernetes object not found'),
  KUBE_CONFLICT: entry('MB7103', 'error', 'Kubernetes object conflict or already exists'),
  KUBECONFIG_INVALID: entry('MB7104', 'error', 'kubeconfig unreadable, or without the context asked for'),
  MGMT_UNAUTHENTICATED: entry('MB9001', 'error', 'unauthenticated: a valid bearer token is required', 401),
  MGMT_FORBIDDEN: entry('MB9002', 'error', 'forbidden: the token role does not allow this', 403),
  MGMT_INVALID_OBJECTS: entry('MB9003', 'error', 'invalid object(s); nothing was changed', 400),
  MGMT_PARENT_MISSING: entry('MB9004', 'error', 'parent object missing; nothing was changed', 409),
  MGMT_NOT_FOUND: entry('MB9005', 'error', 'object not found', 404),
  MGMT_HAS_CHILDREN: entry('MB9006', 'error', 'object still has children; nothing was changed', 409),
  MGMT_BAD_REQUEST: entry('MB9007', 'error', 'bad request', 400),
  MGMT_NO_ROUTE: entry('MB9008', 'error', 'route not found', 404),
  MGMT_INTERNAL: entry('MB9009', 'error', 'internal error', 500),
  MGMT_BODY_TOO_LARGE: entry('MB9010', 'error', 'request body too large', 413),
  MGMT_NOT_STRICT_JSON: entry(
    'MB9011',
    'error',
    'request body is not strict JSON (syntax, duplicate key, nesting too deep)',
    400,
  ),
  MGMT_FORBIDDEN_KEY: entry(
    'MB9012',
    'error',
    'forbidden object key (__proto__, constructor, prototype) in the request body',
    422,
  ),
  MGMT_QUOTA: entry(
    'MB9013',
    'error',
    'organization limit reached (object count or stored size); nothing was changed',
    403,
  ),
  MGMT_CSRF: entry('MB9014', 'error', 'a cookie-authenticated write lacks the CSRF header', 403),
  MGMT_NOT_MGMT_KIND: entry('MB9102', 'error', 'not a management-plane kind (cluster kinds go to a cluster)'),
  MGMT_HIERARCHY_FIELD: entry('MB9103', 'error', 'a name or hierarchy field is missing or not a plain name'),
  PROMETHEUS_QUERY: entry('MB9201', 'error', 'Prometheus query failed'),
  TELEMETRY_OPTIONS: entry('MB9202', 'error', 'telemetry collector started with invalid options'),
  FAILOVER_EVENTS_INVALID: entry(
    'MB9203',
    'error',
    "a proxy's failover events answer is invalid; nothing of it was stored",
  ),
});

/** Symbolic name of a code. */
export type CodeName = keyof typeof CODES;

/** Every code of the catalogue, as a string literal type (`'MB0001' | ...`). */
export type Code = (typeof CODES)[CodeName]['code'];

/** Every catalogue entry, sorted by code. */
export const CODE_LIST: readonly CodeInfo[] = Object.freeze(
  Object.values(CODES).sort((a, b) => a.code.localeCompare(b.code)),
);

const BY_CODE: ReadonlyMap<string, CodeInfo> = new Map(CODE_LIST.map((c) => [c.code, c]));

/** The catalogue entry of a code, or undefined when the code is not in the catalogue. */
export function codeInfo(code: string): CodeInfo | undefined {
  return BY_CODE.get(code);
}
