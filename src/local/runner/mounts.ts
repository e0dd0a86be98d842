/**
 * The command line and environment of a container that runs meshbridge itself (the built-in `meshbridge/meshbridge`
 * image), translated for a local cluster, which has no mount namespace and no network namespace:
 *
 * - a path under one of the container's mounts (`/etc/meshbridge/tls/tls.crt`) becomes the same path under the
 *   pod's root (volumes.ts), also inside `--flag=value` and `sqlite:` store URLs;
 * - any other absolute path, or a path with a `..` segment, is refused: the process runs as the host user, so a
 *   path outside the pod's volumes would reach the host's files (`--home /home/user/.ssh`);
 * - a wildcard listen address (`0.0.0.0:8443`, `[::]:8443`, `:8443`) becomes the pod's own IP, as a container's
 *   wildcard is its own network namespace, never the host's interfaces; any other `ip:port` or `localhost:port`
 *   than the pod's own is refused (it would be another pod's address or the host's loopback);
 * - only the commands the install runs (`server`, `controller`) start; `kubectl exec` still runs anything (it is
 *   a host command by design and needs `create` on `pods/exec`).
 *
 * Pure.
 */
import { posix } from 'node:path';

/** The commands the built-in meshbridge image runs. */
export const MESHBRIDGE_IMAGE_COMMANDS: ReadonlySet<string> = new Set(['server', 'controller']);

/**
 * The `MESHBRIDGE_*` variables the built-in meshbridge image reads as its own configuration; the pod policy allows
 * these (and only these) for that image. Those naming a path are translated like arguments.
 */
export const MESHBRIDGE_IMAGE_ENV: ReadonlyMap<string, 'path' | 'store' | 'value'> = new Map([
  ['MESHBRIDGE_HOME', 'path'],
  ['MESHBRIDGE_STORE', 'store'],
  ['MESHBRIDGE_TLS_CERT', 'path'],
  ['MESHBRIDGE_TLS_KEY', 'path'],
  ['MESHBRIDGE_ORG_MAX_OBJECTS', 'value'],
  ['MESHBRIDGE_ORG_MAX_BYTES', 'value'],
]);

/** Where a container's mounts are: their paths in the container and the pod root they are materialised under. */
export interface MountTable {
  readonly root: string;
  readonly mountPaths: readonly string[];
}

/** The result of translating a command. */
export type Translation =
  | { readonly ok: true; readonly args: string[]; readonly env: Record<string, string> }
  | { readonly ok: false; readonly reason: string };

const under = (path: string, mount: string): boolean => path === mount || path.startsWith(`${mount}/`);

/** The host path of a container path under one of the mounts, or undefined. */
export function hostPathOf(path: string, table: MountTable): string | undefined {
  if (!path.startsWith('/') || path.split('/').includes('..')) return undefined;
  const clean = posix.normalize(path);
  return table.mountPaths.some((m) => under(clean, m)) ? `${table.root}${clean}` : undefined;
}

class Refused extends Error {}

function hasDotDot(value: string): boolean {
  return value.split(/[/\\]/).includes('..');
}

/** One value that may be a path: translated, or refused when it would reach outside the pod's volumes. */
function translatePath(value: string, table: MountTable, what: string): string {
  if (hasDotDot(value)) throw new Refused(`${what} ${JSON.stringify(value)} has a ".." segment`);
  if (!value.startsWith('/')) return value;
  const host = hostPathOf(value, table);
  if (host === undefined) {
    throw new Refused(
      `${what} ${JSON.stringify(value)} is not under a volume mount of the container ` +
        `(${table.mountPaths.join(', ') || 'none'}); local clusters do not expose the host's files to pods`,
    );
  }
  return host;
}

function translateStore(value: string, table: MountTable, what: string): string {
  return value.startsWith('sqlite:') ? `sqlite:${translatePath(value.slice('sqlite:'.length), table, what)}` : value;
}

const WILDCARD_LISTEN = /^(?:0\.0\.0\.0|\[::\]|::|)(:\d{1,5})$/;
/** `host:port` with an IP or `localhost`: an address to listen on or dial. */
const HOST_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}|localhost|\[[0-9a-fA-F:]+\]):\d{1,5}$/;

/** One argument: a listen address, a URL, a store, a path, `--flag=value` of these, or anything else. */
function translateArg(arg: string, table: MountTable, podIp: string): string {
  const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
  if (eq > 0) return `${arg.slice(0, eq + 1)}${translateArg(arg.slice(eq + 1), table, podIp)}`;
  const wildcard = WILDCARD_LISTEN.exec(arg);
  if (wildcard) return `${podIp}${wildcard[1] ?? ''}`;
  // Another loopback address is another pod's or the host's own (the management plane `local up` runs listens on
  // 127.0.0.1): the process may listen on its pod's IP only.
  const hostPort = HOST_PORT.exec(arg);
  if (hostPort && hostPort[1] !== podIp) {
    throw new Refused(`address ${JSON.stringify(arg)} is not the pod's (${podIp}); listen on 0.0.0.0 or the pod IP`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) return arg;
  if (arg.startsWith('sqlite:')) return translateStore(arg, table, 'argument');
  if (arg.startsWith('/') || arg.includes('/')) return translatePath(arg, table, 'argument');
  return arg;
}

/**
 * Translates the arguments and environment of a meshbridge container. `args` are the container's `command` and
 * `args` after the image's entry (`server --listen ...`).
 */
export function translateMeshbridgeCommand(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  table: MountTable,
  podIp: string,
): Translation {
  const command = args[0];
  if (command === undefined || !MESHBRIDGE_IMAGE_COMMANDS.has(command)) {
    return {
      ok: false,
      reason:
        `the meshbridge image runs ${[...MESHBRIDGE_IMAGE_COMMANDS].join(' or ')} on local clusters, ` +
        `not ${JSON.stringify(command ?? '')}`,
    };
  }
  try {
    const outEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(env)) {
      const type = MESHBRIDGE_IMAGE_ENV.get(name);
      const what = `variable ${name}`;
      outEnv[name] =
        type === 'path'
          ? translatePath(value, table, what)
          : type === 'store'
            ? translateStore(value, table, what)
            : value;
    }
    return { ok: true, args: args.map((a) => translateArg(a, table, podIp)), env: outEnv };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, reason: err.message };
    throw err;
  }
}
