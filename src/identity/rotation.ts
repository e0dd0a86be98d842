/**
 * Certificate rotation. The issuing side re-issues a workload certificate before it expires and rewrites the
 * files; the consuming side (sidecar, gateway) polls the files and swaps its TLS contexts in place
 * (`tls.Server.setSecureContext`), so rotation never drops a connection.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IdentityError } from './errors.js';
import type { IssuedCertificate } from './issue.js';
import { WORKLOAD_FILES, writeWorkloadFiles } from './issue.js';

/** Certificate, key and trust bundle as loaded from a workload's cert dir. */
export interface WorkloadMaterial {
  readonly certPem: string;
  readonly keyPem: string;
  readonly rootPem: string;
  readonly notAfter: Date;
}

/**
 * Loads `cert.pem`, `key.pem`, `root.pem` from `dir` and checks that the key matches the certificate.
 * Throws IdentityError MB0603 when a file is missing, unparseable, or the pair does not match (e.g. read in
 * the middle of a rotation: the caller retries on the next poll).
 */
export function loadWorkloadMaterial(dir: string): WorkloadMaterial {
  try {
    const certPem = readFileSync(join(dir, WORKLOAD_FILES.cert), 'utf8');
    const keyPem = readFileSync(join(dir, WORKLOAD_FILES.key), 'utf8');
    const rootPem = readFileSync(join(dir, WORKLOAD_FILES.root), 'utf8');
    const cert = new X509Certificate(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) throw new Error('key does not match certificate');
    return { certPem, keyPem, rootPem, notAfter: new Date(cert.validTo) };
  } catch (cause) {
    throw new IdentityError('MB0603', `cannot load workload certificate from ${dir}`, { cause });
  }
}

/**
 * When to re-issue: at `renewFraction` (default 2/3) of the certificate's lifetime, like Istio's
 * SECRET_GRACE_PERIOD_RATIO of 0.5 but leaving more margin. Pure.
 */
export function renewalTime(notBefore: Date, notAfter: Date, renewFraction = 2 / 3): Date {
  return new Date(notBefore.getTime() + (notAfter.getTime() - notBefore.getTime()) * renewFraction);
}

/** A running timer; `stop()` cancels it. */
export interface Stoppable {
  stop(): void;
}

/** Options for {@link startCertRotation}. */
export interface CertRotationOptions {
  dir: string;
  rootPem: string;
  /** Issues a fresh certificate for this workload. */
  issue: () => Promise<IssuedCertificate>;
  renewFraction?: number;
  onError?: (err: unknown) => void;
  /** Called after each (re)issue with the new certificate. */
  onIssued?: (issued: IssuedCertificate) => void;
}

/**
 * Issues a certificate into `dir` now and again before each one expires. Failures are retried after 5 s.
 */
export function startCertRotation(options: CertRotationOptions): Stoppable {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = async (): Promise<void> => {
    if (stopped) return;
    let delay = 5000;
    try {
      const issued = await options.issue();
      if (stopped) return;
      writeWorkloadFiles(options.dir, issued, options.rootPem);
      options.onIssued?.(issued);
      delay = Math.max(
        1000,
        renewalTime(issued.notBefore, issued.notAfter, options.renewFraction).getTime() - Date.now(),
      );
    } catch (err) {
      options.onError?.(err);
    }
    if (!stopped) {
      // setTimeout caps at ~24.8 days; certificates live far shorter, but clamp anyway.
      timer = setTimeout(() => void run(), Math.min(delay, 2 ** 31 - 1));
      timer.unref();
    }
  };
  void run();
  return {
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** Options for {@link watchWorkloadFiles}. */
export interface WatchOptions {
  dir: string;
  /** Poll interval; default 2 s. Polling (not fs.watch) because renames of watched files are unreliable. */
  intervalMs?: number;
  onChange: (material: WorkloadMaterial) => void;
  onError?: (err: unknown) => void;
}

/**
 * Calls `onChange` whenever `cert.pem` changes and the new pair loads cleanly (a half-rotated pair is skipped and
 * picked up on the next poll). Does not fire for the initial files: load those with {@link loadWorkloadMaterial}.
 */
export function watchWorkloadFiles(options: WatchOptions): Stoppable {
  const certPath = join(options.dir, WORKLOAD_FILES.cert);
  const stamp = (): string => {
    try {
      const s = statSync(certPath);
      return `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      return 'missing';
    }
  };
  let last = stamp();
  const timer = setInterval(() => {
    const now = stamp();
    if (now === last || now === 'missing') return;
    try {
      const material = loadWorkloadMaterial(options.dir);
      last = now;
      options.onChange(material);
    } catch (err) {
      options.onError?.(err);
    }
  }, options.intervalMs ?? 2000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
