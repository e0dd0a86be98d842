/**
 * The pieces every meshbridge workload shares: labels, a non-root read-only security context, resource requests.
 */

/** Labels of everything `install` prints (`app.kubernetes.io/*`, the recommended labels). */
export function labels(component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'meshbridge',
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'meshbridge',
  };
}

/** What selects a component's pods (a subset of its labels, never changed by an upgrade). */
export function selector(component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'meshbridge', 'app.kubernetes.io/component': component };
}

/** The image's user (Containerfile: `USER 10001`). */
export const RUN_AS = 10001;

/** Pod-level: non-root, the runtime's default seccomp profile, volumes owned by the image's group. */
export const POD_SECURITY = Object.freeze({
  runAsNonRoot: true,
  runAsUser: RUN_AS,
  runAsGroup: RUN_AS,
  fsGroup: RUN_AS,
  seccompProfile: { type: 'RuntimeDefault' },
});

/** Container-level: nothing writable but mounted volumes, no privilege escalation, no capabilities. */
export const CONTAINER_SECURITY = Object.freeze({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
});

/** Requests sized from the local clusters' measurements (a control process idles at ~80 MB); a memory cap. */
export const RESOURCES = Object.freeze({
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { memory: '512Mi' },
});
