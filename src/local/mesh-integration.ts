/**
 * The seam between an embedded cluster and the service mesh (contracts B and C). A cluster process calls exactly
 * this interface to start its mesh control plane and to learn which extra processes (sidecars) and environment a
 * pod gets, and what a gateway pod runs. Everything mesh-specific — spawning `dist/dataplane/sidecar-main.js` /
 * `gateway-main.js`, workload certificates, `startControlPlane` — belongs in an implementation of it.
 *
 * Cluster processes use `embeddedMesh()` (embedded-mesh.ts). `noMesh` runs no control plane, gives pods no sidecar
 * and no proxy environment, and cannot run gateway pods (they wait with reason `MeshUnavailable`); in-process tests of
 * the cluster machinery that do not need traffic start clusters with it. It is an absence of a mesh, not a stand-in.
 */
import type { ObjectConvergence } from '../mesh/convergence-report.js';
import type { ClusterInfo } from './config.js';
import type { ClusterStore } from './store/cluster-store.js';
import type { StoredObject } from './store/types.js';

/** A process to run for a pod: `node <entry>` with this environment (added to the pod's base environment). */
export interface ProcessSpec {
  /** Container name shown in the pod's containerStatuses (e.g. `istio-proxy`). */
  readonly name: string;
  /** Absolute path of a compiled JavaScript file. */
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
  /** Arguments after the entry (the built-in meshbridge image's command line). */
  readonly args?: readonly string[];
  /** Modules preloaded with `--import` besides the watchdog (the cluster resolver of the meshbridge image). */
  readonly preload?: readonly string[];
  /** Port to probe for readiness (TCP), if any. */
  readonly readinessPort?: number;
}

/** What the mesh needs to know about a pod. */
export interface PodContext {
  readonly pod: StoredObject;
  readonly podIP: string;
  readonly cluster: ClusterInfo;
  /** The pod's own directory under the cluster's state dir (for certificates and the like). */
  readonly dir: string;
  /** Labels of the pod's namespace (`istio-injection=enabled` asks for a sidecar). */
  readonly namespaceLabels: Readonly<Record<string, string>>;
}

/** What the mesh gets when it starts. */
export interface MeshContext {
  readonly cluster: ClusterInfo;
  readonly store: ClusterStore;
  /** The cluster's state directory. */
  readonly dir: string;
  /** `$MESHBRIDGE_HOME` (the shared root CA lives in `ca/`). */
  readonly home: string;
}

/** The mesh as seen from an embedded cluster. */
export interface MeshIntegration {
  /** Starts the control plane (once per cluster process); returns its ADS address, if it serves one. */
  /**
   * Optional: the control plane's per-object convergence (served by the cluster API, see
   * server/convergence-api.ts); undefined before the mesh started.
   */
  convergence?(): readonly ObjectConvergence[] | undefined;
  start(ctx: MeshContext): Promise<{ xdsAddress?: string }>;
  /**
   * Optional asynchronous preparation before a pod's processes start (e.g. issuing its workload certificate into
   * `ctx.dir`); a rejection puts the pod's containers in `MeshUnavailable` with the error's message.
   */
  prepare?(ctx: PodContext): Promise<void>;
  /**
   * Optional: re-attaches what `prepare` keeps for a pod whose running processes a restarted cluster process adopted
   * (runner/adoption.ts), without disturbing them (e.g. certificate rotation resumes on the certificate in place
   * instead of issuing a new one at once). Without it the runner calls `prepare`.
   */
  adopt?(ctx: PodContext): Promise<void>;
  /** Optional: the pod's processes have stopped (release what `prepare` holds for it, e.g. certificate rotation). */
  podStopped?(ctx: { readonly dir: string }): void;
  /** Processes to run next to the pod's app containers (its sidecar), possibly none. */
  sidecars(ctx: PodContext): ProcessSpec[];
  /** Environment for the pod's app containers (HTTP_PROXY pointing at the sidecar, ...). */
  appEnv(ctx: PodContext): Record<string, string>;
  /** The process of an East-West gateway pod, or why none can run. */
  gateway(ctx: PodContext): ProcessSpec | { reason: string };
  stop(): Promise<void>;
}

/** No mesh: no control plane, no sidecars, no proxy environment, gateway pods cannot run. */
export const noMesh: MeshIntegration = {
  start: () => Promise.resolve({}),
  sidecars: () => [],
  appEnv: () => ({}),
  gateway: () => ({ reason: 'no mesh control plane is wired into this cluster; gateway pods cannot run' }),
  stop: () => Promise.resolve(),
};
