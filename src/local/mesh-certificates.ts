/**
 * Workload certificates of an embedded cluster's meshed pods: issued before a pod's sidecar starts, re-issued
 * before they expire, and, for pods a restarted cluster process adopts, resumed on the certificate in place.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { provisionWorkloadCertificate, type Stoppable } from '../identity/index.js';
import type { MeshContext, PodContext } from './mesh-integration.js';
import { rec } from './mesh-proxy-env.js';

/** An adopted pod's certificate is re-issued at once when less than this is left before its renewal time. */
const ADOPT_MIN_REMAINING_MS = 60_000;

/** The certificate rotations of one cluster's pods, by pod directory. */
export interface PodCertificates {
  /** Writes the pod's first certificate into `<pod dir>/certs` and re-issues it before it expires. */
  provision(ctx: PodContext, mesh: MeshContext): Promise<void>;
  /**
   * Resumes rotation for an adopted pod without disturbing its running sidecar: the certificate in place is kept
   * until the time its rotation would have renewed it (re-issued at once when that is under a minute away).
   */
  adopt(ctx: PodContext, mesh: MeshContext): Promise<void>;
  /** Stops the rotation of a pod that stopped. */
  forget(podDir: string): void;
  /** Stops every rotation. */
  stopAll(): void;
}

const logRotationError = (ctx: PodContext) => (err: unknown) =>
  process.stderr.write(`certificate rotation for ${ctx.pod.metadata.name}: ${String(err)}\n`);

/** Creates the certificate keeper of one cluster process. */
export function podCertificates(): PodCertificates {
  const rotations = new Map<string, Stoppable>();

  const provision = async (ctx: PodContext, mesh: MeshContext): Promise<void> => {
    rotations.get(ctx.dir)?.stop();
    rotations.set(
      ctx.dir,
      await provisionWorkloadCertificate({
        caDir: join(mesh.home, 'ca'),
        trustDomain: ctx.cluster.trustDomain,
        namespace: ctx.pod.metadata.namespace ?? 'default',
        serviceAccount: String(rec(ctx.pod.spec).serviceAccountName ?? 'default'),
        dir: join(ctx.dir, 'certs'),
        onError: logRotationError(ctx),
      }),
    );
  };

  return {
    provision,
    async adopt(ctx, mesh) {
      // Re-issuing at once would make the running sidecar reload its certificate mid-traffic.
      const renewAt = renewalOf(join(ctx.dir, 'certs', 'cert.pem'));
      if (renewAt === undefined || renewAt - Date.now() < ADOPT_MIN_REMAINING_MS) {
        await provision(ctx, mesh);
        return;
      }
      const timer = setTimeout(() => {
        rotations.delete(ctx.dir);
        provision(ctx, mesh).catch(logRotationError(ctx));
      }, renewAt - Date.now());
      timer.unref();
      rotations.get(ctx.dir)?.stop();
      rotations.set(ctx.dir, { stop: () => clearTimeout(timer) });
    },
    forget(podDir) {
      rotations.get(podDir)?.stop();
      rotations.delete(podDir);
    },
    stopAll() {
      for (const r of rotations.values()) r.stop();
      rotations.clear();
    },
  };
}

/**
 * When the rotation of identity/rotation.ts would renew the certificate in `file` (two thirds into its lifetime);
 * undefined when there is no readable certificate.
 */
function renewalOf(file: string): number | undefined {
  try {
    const cert = new X509Certificate(readFileSync(file));
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    return Number.isFinite(from) && Number.isFinite(to) ? from + ((to - from) * 2) / 3 : undefined;
  } catch {
    return undefined;
  }
}
