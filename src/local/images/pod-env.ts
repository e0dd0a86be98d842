/**
 * The one place the built-in apps read their environment (what the pod runner sets for every container).
 */

/** Validated, frozen pod environment. */
export interface PodEnv {
  /** Address to listen on: the pod's own loopback IP. */
  readonly podIp: string;
  /** The container's first port. */
  readonly port: number;
  readonly podName: string;
  readonly namespace: string;
  /** The sidecar's explicit HTTP proxy; undefined outside the mesh (requests then go direct). */
  readonly proxy: URL | undefined;
}

/** Raised when the environment cannot be used; the entry prints it and exits 1 so the pod shows the reason. */
export class PodEnvError extends Error {
  readonly code = 'MB0502';
}

/** Reads and validates POD_IP, PORT, POD_NAME, POD_NAMESPACE and HTTP_PROXY/http_proxy. */
export function readPodEnv(env: NodeJS.ProcessEnv = process.env): PodEnv {
  const port = Number(env.PORT ?? '9080');
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new PodEnvError(`PORT must be an integer in 1..65535, got ${JSON.stringify(env.PORT)}`);
  }
  // curl and most clients give the lower-case variable precedence; do the same.
  const proxyText = env.http_proxy || env.HTTP_PROXY || '';
  let proxy: URL | undefined;
  if (proxyText !== '') {
    try {
      proxy = new URL(proxyText);
    } catch {
      throw new PodEnvError(`HTTP_PROXY is not a URL: ${JSON.stringify(proxyText)}`);
    }
    if (proxy.protocol !== 'http:') throw new PodEnvError(`HTTP_PROXY must be http://, got ${proxyText}`);
  }
  return Object.freeze({
    podIp: env.POD_IP || '127.0.0.1',
    port,
    podName: env.POD_NAME || 'local',
    namespace: env.POD_NAMESPACE || 'default',
    proxy,
  });
}
