/**
 * What a pod spec may not do on a local cluster, where pods are processes of the user who ran `local up`: set an
 * environment variable that changes how a process is started or what code it loads. `NODE_OPTIONS=--require
 * /tmp/x.js` would run a file of the pod author's choosing in the container process (and `meshbridge exec`
 * runs host commands with the pod's environment, so `PATH` or `BASH_ENV` would too).
 *
 * A deny-list, not an allow-list: Kubernetes applications name their variables freely (`LOG_LEVEL`, `DB_HOST`),
 * so an allow-list would refuse ordinary manifests, while what steers a process is a small, known family read by
 * the runtime, the dynamic loader, libc, OpenSSL, shells and common tools. Whole prefixes are refused where the
 * family grows with new releases (`NODE_*`, `LD_*`, `DYLD_*`, `MALLOC_*`, `BASH_FUNC_*`, `npm_config_*`, `GIT_*`),
 * and the platform's own `MB_*` / `MESHBRIDGE_*` (they configure sidecars and gateways). Names compare
 * case-insensitively. `NODE_NAME` (set by the platform, the downward-API name Kubernetes uses) and `NODE_ENV` (an
 * application convention Node itself never reads) stay allowed.
 *
 * Names must also be valid Kubernetes variable names and values free of NUL, which no process environment can
 * hold. The same check runs at admission (422 naming the field) and in the pod runner before any process starts.
 * Other fields that could name code are inert here (see docs/security.md): `command`, `args` and `workingDir` are
 * not used (a pod runs `node <its image's entry>` in its own directory) except by the built-in meshbridge image,
 * which runs only `server` or `controller` with its paths confined to the pod's volumes (runner/mounts.ts);
 * volumes are materialised in the pod's own directory (runner/volumes.ts, no hostPath); `envFrom` and
 * `valueFrom` other than the pod's own facts are not resolved, and images resolve only to built-in entries or the
 * operator's `MESHBRIDGE_IMAGE_MAP`.
 */
import { formatPath, type PathSegment } from '../api/index.js';
import { lookupImage } from './images/catalog.js';
import { MESHBRIDGE_IMAGE_ENV } from './runner/mounts.js';

const MESHBRIDGE_ENV_NAMES: ReadonlySet<string> = new Set(MESHBRIDGE_IMAGE_ENV.keys());

/**
 * The variables an image reads as its own configuration and may therefore be given although their family is
 * refused: the built-in meshbridge image's `MESHBRIDGE_*` settings (its paths are confined to the pod's volumes by
 * runner/mounts.ts). Every other image: none.
 */
function imageEnv(image: unknown): ReadonlySet<string> | undefined {
  if (typeof image !== 'string') return undefined;
  const found = lookupImage(image);
  return found.ok && found.kind === 'meshbridge' ? MESHBRIDGE_ENV_NAMES : undefined;
}

const DENIED_NAMES: ReadonlySet<string> = new Set(
  [
    // Shells and the programs `meshbridge exec` may run.
    'PATH',
    'HOME',
    'SHELL',
    'ENV',
    'BASH_ENV',
    'SHELLOPTS',
    'BASHOPTS',
    'PS4',
    'PROMPT_COMMAND',
    'IFS',
    'CDPATH',
    'GLOBIGNORE',
    'TMPDIR',
    'EDITOR',
    'VISUAL',
    'PAGER',
    'MANPAGER',
    'LESSOPEN',
    'LESSCLOSE',
    'BROWSER',
    'XDG_CONFIG_HOME',
    'XDG_CONFIG_DIRS',
    'XDG_DATA_HOME',
    'XDG_DATA_DIRS',
    'CURL_HOME',
    'TERMINFO',
    // libc and the resolver.
    'GCONV_PATH',
    'GETCONF_DIR',
    'GLIBC_TUNABLES',
    'HOSTALIASES',
    'LOCALDOMAIN',
    'RES_OPTIONS',
    'RESOLV_HOST_CONF',
    'LOCPATH',
    'NLSPATH',
    'TZDIR',
    // TLS trust and key logging.
    'OPENSSL_CONF',
    'OPENSSL_MODULES',
    'OPENSSL_ENGINES',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    'CURL_CA_BUNDLE',
    'SSLKEYLOGFILE',
    // Other runtimes' code-loading variables.
    'PYTHONPATH',
    'PYTHONHOME',
    'PYTHONSTARTUP',
    'PYTHONINSPECT',
    'PERL5OPT',
    'PERL5LIB',
    'PERLLIB',
    'PERL5DB',
    'RUBYOPT',
    'RUBYLIB',
    'JAVA_TOOL_OPTIONS',
    '_JAVA_OPTIONS',
    'JDK_JAVA_OPTIONS',
    'CLASSPATH',
  ].map((n) => n.toUpperCase()),
);

const DENIED_PREFIXES: readonly string[] = [
  'NODE_',
  'NPM_CONFIG_',
  'YARN_',
  'UV_',
  'LD_',
  'DYLD_',
  'MALLOC_',
  'BASH_FUNC_',
  'GIT_',
  'MB_',
  'MESHBRIDGE_',
];

const ALLOWED_NAMES: ReadonlySet<string> = new Set(['NODE_NAME', 'NODE_ENV']);

/** Kubernetes' rule for environment variable names (C identifiers plus `.` and `-`). */
const VALID_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Longest name or value accepted (a process environment is not a data store). */
const MAX_NAME = 256;
const MAX_VALUE = 128 * 1024;

/**
 * Why an environment variable may not be given to a pod process, or undefined when it may. `value` is checked for
 * what no environment can hold.
 */
export function refusedEnv(name: string, value?: string, allowed?: ReadonlySet<string>): string | undefined {
  if (name.length > MAX_NAME || !VALID_NAME.test(name)) {
    return 'must be a valid environment variable name (letters, digits, "_", "-", ".", not starting with a digit)';
  }
  if (value !== undefined && (value.includes('\u0000') || value.length > MAX_VALUE)) {
    return `value must hold no NUL character and at most ${MAX_VALUE} characters`;
  }
  const upper = name.toUpperCase();
  if (ALLOWED_NAMES.has(upper) || allowed?.has(name)) return undefined;
  const prefix = DENIED_PREFIXES.find((p) => upper.startsWith(p));
  if (DENIED_NAMES.has(upper) || prefix !== undefined) {
    return (
      `${name} changes how the pod's process is started or what code it loads on the host` +
      `${prefix ? ` (${prefix}* variables are refused)` : ''}; local clusters refuse it`
    );
  }
  return undefined;
}

/** One refused field of a pod spec. */
export interface PodPolicyViolation {
  /** Field path, e.g. `spec.template.spec.containers[0].env[1].name`. */
  readonly path: string;
  readonly message: string;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The violations of one `env` list found at `at`. */
export function envListViolations(
  env: unknown,
  at: readonly PathSegment[],
  allowed?: ReadonlySet<string>,
): PodPolicyViolation[] {
  const out: PodPolicyViolation[] = [];
  list(env).forEach((e, i) => {
    if (!isRec(e) || typeof e.name !== 'string') return;
    const value = typeof e.value === 'string' ? e.value : undefined;
    const why = refusedEnv(e.name, value, allowed);
    if (why) {
      out.push({
        path: formatPath([...at, i, refusedEnv(e.name, undefined, allowed) ? 'name' : 'value']),
        message: why,
      });
    }
  });
  return out;
}

/** The violations of a pod spec found at `at` (`spec`, or `spec.template.spec` of a Deployment). */
export function podSpecViolations(spec: unknown, at: readonly PathSegment[]): PodPolicyViolation[] {
  if (!isRec(spec)) return [];
  const out: PodPolicyViolation[] = [];
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    list(spec[field]).forEach((c, i) => {
      if (isRec(c)) out.push(...envListViolations(c.env, [...at, field, i, 'env'], imageEnv(c.image)));
    });
  }
  return out;
}

/** The violations of a finished process environment (what the runner is about to start), as `NAME: why`. */
export function processEnvViolations(env: Readonly<Record<string, string>>, image?: unknown): string[] {
  const allowed = imageEnv(image);
  return Object.entries(env).flatMap(([name, value]) => {
    const why = refusedEnv(name, value, allowed);
    return why ? [`env ${name}: ${why}`] : [];
  });
}
