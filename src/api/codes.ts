/**
 * The one catalogue of validation codes. Every problem meshbridge reports about configuration carries one of
 * these codes; `docs/errors.md` documents each (a test keeps the two in step). Codes are stable: never renumber,
 * only add.
 *
 * - MB00xx: the input itself (YAML/JSON syntax, limits)
 * - MB01xx: one object against its kind's schema
 * - MB02xx: rules within one object beyond its schema
 * - MB03xx: rules across the documents given together
 * - MB04xx: IngressGateway overlays
 * - MB05xx: admission rules of local clusters (pods are processes on this machine)
 */

/** Whether a code reports an error (the input is refused) or a warning (accepted, but probably not meant). */
export type Severity = 'error' | 'warning';

/** One catalogue entry. */
export interface CodeInfo {
  readonly code: string;
  readonly severity: Severity;
  /** Short title, as in docs/errors.md. */
  readonly title: string;
}

const entry = (code: string, severity: Severity, title: string): CodeInfo => Object.freeze({ code, severity, title });

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
});

/** Symbolic name of a code. */
export type CodeName = keyof typeof CODES;

/** Every catalogue entry, sorted by code. */
export const CODE_LIST: readonly CodeInfo[] = Object.freeze(
  Object.values(CODES).sort((a, b) => a.code.localeCompare(b.code)),
);
