/**
 * What a pod's container processes are given, derived purely from the Pod: environment from the container's `env`
 * (plain values and the `fieldRef`s Kubernetes offers for pod facts), `PORT`/`CONTAINER_PORTS` from its ports, and
 * the readiness probe to run (its `readinessProbe`, else a TCP connect to its first port).
 */
import { rec, recs, type Rec } from '../controllers/refs.js';
import type { StoredObject } from '../store/types.js';
import type { ProbeSpec } from './probe.js';

function portNumber(port: unknown, container: Rec): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port === 'string') {
    if (/^\d+$/.test(port)) return Number(port);
    const named = recs(container.ports).find((p) => p.name === port);
    if (named && typeof named.containerPort === 'number') return named.containerPort;
  }
  return undefined;
}

/** The readiness probe of a container spec: its readinessProbe (HTTP or TCP), else TCP on its first port. */
export function probeFor(container: Rec): ProbeSpec | undefined {
  const rp = rec(container.readinessProbe);
  const timeoutMs = (typeof rp.timeoutSeconds === 'number' ? rp.timeoutSeconds : 1) * 1000;
  const http = rec(rp.httpGet);
  const httpPort = portNumber(http.port, container);
  if (httpPort !== undefined) {
    const path = typeof http.path === 'string' ? http.path : '/';
    return { type: 'http', port: httpPort, path, timeoutMs, ...(http.scheme === 'HTTPS' ? { https: true } : {}) };
  }
  const tcpPort = portNumber(rec(rp.tcpSocket).port, container);
  if (tcpPort !== undefined) return { type: 'tcp', port: tcpPort, timeoutMs };
  const first = recs(container.ports)[0]?.containerPort;
  return typeof first === 'number' ? { type: 'tcp', port: first, timeoutMs } : undefined;
}

/** The container's `env` entries, with `fieldRef`s resolved for this pod. */
export function containerEnv(c: Rec, pod: StoredObject, ip: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of recs(c.env)) {
    if (typeof e.name !== 'string') continue;
    if (typeof e.value === 'string') out[e.name] = e.value;
    const field = rec(rec(e.valueFrom).fieldRef).fieldPath;
    const fields: Record<string, string | undefined> = {
      'status.podIP': ip,
      'metadata.name': pod.metadata.name,
      'metadata.namespace': pod.metadata.namespace,
      'spec.nodeName': rec(pod.spec).nodeName as string | undefined,
      'spec.serviceAccountName': rec(pod.spec).serviceAccountName as string | undefined,
    };
    if (typeof field === 'string' && fields[field] !== undefined) out[e.name] = fields[field] as string;
  }
  return out;
}

/** `PORT` (the first container port) and `CONTAINER_PORTS` (all of them). */
export function portEnv(c: Rec): Record<string, string> {
  const ports = recs(c.ports)
    .map((p) => p.containerPort)
    .filter((p): p is number => typeof p === 'number');
  return ports.length ? { PORT: String(ports[0]), CONTAINER_PORTS: ports.join(',') } : {};
}
