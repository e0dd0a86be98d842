/**
 * Readiness probes: HTTP GET (2xx/3xx is success) or TCP connect, against the pod IP, each bounded by a timeout.
 */
import { connect } from 'node:net';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A probe to run. */
export type Probe =
  | { type: 'http'; host: string; port: number; path: string; timeoutMs: number; https?: boolean }
  | { type: 'tcp'; host: string; port: number; timeoutMs: number };

/** A probe before the pod's address is known. */
export type ProbeSpec =
  | { type: 'http'; port: number; path: string; timeoutMs: number; https?: boolean }
  | { type: 'tcp'; port: number; timeoutMs: number };

/** Runs a probe; resolves true on success, false on failure or timeout. Never rejects. */
export function runProbe(probe: Probe): Promise<boolean> {
  return new Promise((resolve) => {
    if (probe.type === 'tcp') {
      const socket = connect({ host: probe.host, port: probe.port, timeout: probe.timeoutMs });
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.once('timeout', () => done(false));
      return;
    }
    // HTTPS probes do not verify the certificate, as the kubelet's do not: the probe asks "does it answer".
    const send = probe.https ? httpsRequest : request;
    const req = send(
      {
        host: probe.host,
        port: probe.port,
        path: probe.path,
        method: 'GET',
        timeout: probe.timeoutMs,
        agent: false,
        ...(probe.https ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        res.resume();
        resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
      },
    );
    req.once('error', () => resolve(false));
    req.once('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}
