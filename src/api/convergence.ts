/**
 * Per-object xDS convergence as it travels between components: a cluster's mesh control plane serves it (local
 * clusters: `GET /apis/mesh.meshbridge.io/v1/convergence`), the federation controller forwards each cluster's list
 * to the management plane (`PUT /v2/convergence/{cluster}`), and `meshbridge status` prints it. One schema checks
 * it at the management plane, so what a controller sends is bounded and typed.
 */
import { z } from 'zod';

/** Where a cluster's API serves the list. */
export const CONVERGENCE_PATH = '/apis/mesh.meshbridge.io/v1/convergence';

/** Most objects one cluster's report carries (about 3.5 MiB, inside the management plane's 5 MiB body limit). */
export const MAX_CONVERGENCE_OBJECTS = 10_000;

const count = z.number().int().min(0).max(1_000_000);
const label = z.string().min(1).max(253);

/** One object's convergence: written -> in xDS -> ACKed by N of M proxies, and the `Converged` condition. */
export const objectConvergenceSchema = z.strictObject({
  kind: z.enum(['Service', 'ServiceEntry']),
  namespace: label,
  name: label,
  written: z.strictObject({ revision: count, at: z.string().max(40) }),
  inXds: z.strictObject({ revision: count, resources: z.array(z.string().max(512)).max(64) }),
  proxies: count,
  acked: count,
  conditions: z.tuple([
    z.strictObject({
      type: z.literal('Converged'),
      status: z.enum(['True', 'False']),
      reason: z.enum(['AllProxiesAcked', 'ProxiesPending', 'NoProxies']),
      message: z.string().max(200),
    }),
  ]),
});

/** One object's convergence. */
export type ObjectConvergence = z.infer<typeof objectConvergenceSchema>;

/** The list a cluster serves. */
export interface ConvergenceList {
  readonly kind: 'ConvergenceList';
  readonly apiVersion: 'mesh.meshbridge.io/v1';
  readonly items: readonly ObjectConvergence[];
}

/** The body of `PUT /v2/convergence/{cluster}`: the cluster's organization and its list (absent: no mesh API). */
export const convergenceReportSchema = z.strictObject({
  organization: label,
  /** Absent when the cluster serves no convergence (Istio: `istioctl proxy-status` tells there). */
  items: z.array(objectConvergenceSchema).max(MAX_CONVERGENCE_OBJECTS).optional(),
  /** Why there is no list, when there is none. */
  unavailable: z.string().max(500).optional(),
  /** Objects left out past MAX_CONVERGENCE_OBJECTS (the pending ones are kept first). */
  omitted: z.number().int().min(0).optional(),
});

/** A cluster's convergence report. */
export type ConvergenceReport = z.infer<typeof convergenceReportSchema>;

/** A stored report, as `GET /v2/convergence` lists it. */
export interface StoredConvergence extends ConvergenceReport {
  readonly cluster: string;
  readonly updatedAt: string;
}

/** How many objects are converged, and the ones that are not. Pure. */
export function convergenceSummary(items: readonly ObjectConvergence[]): {
  objects: number;
  converged: number;
  pending: ObjectConvergence[];
} {
  const pending = items.filter((o) => o.conditions[0].status !== 'True');
  return { objects: items.length, converged: items.length - pending.length, pending };
}
