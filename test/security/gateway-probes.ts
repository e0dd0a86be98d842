/** Client probes of an East-West gateway for the gateway security tests: raw bytes, TLS with or without SNI. */
import net from 'node:net';
import tls from 'node:tls';
import type { IssuedCertificate } from '../../src/identity/index.js';
import { proxyMetrics } from '../support/proxies.js';

/** What a probe saw. */
export interface ProbeResult {
  /** Whether the TLS handshake completed (a peer behind the gateway answered). */
  secure: boolean;
  /** Bytes received back. */
  data: string;
  /** Milliseconds from connect to close. */
  closedAfterMs: number;
}

/**
 * Opens TLS to `host:15443` with a workload certificate and the given SNI (none when undefined: connecting by IP
 * sends no SNI), sends one HTTP request if the handshake completes, and resolves when the connection closes.
 */
export function tlsProbe(o: {
  host: string;
  servername: string | undefined;
  cert: IssuedCertificate;
  ca: string;
  waitMs?: number;
}): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let data = '';
    let secure = false;
    const s = tls.connect({
      host: o.host,
      port: 15443,
      ...(o.servername !== undefined ? { servername: o.servername } : {}),
      ca: o.ca,
      cert: o.cert.certPem,
      key: o.cert.keyPem,
      checkServerIdentity: () => undefined,
    });
    s.on('secureConnect', () => {
      secure = true;
      s.write('GET /details/0 HTTP/1.1\r\nHost: details:9080\r\nConnection: close\r\n\r\n');
    });
    s.on('data', (d: Buffer) => (data += d.toString()));
    s.on('error', () => {});
    s.on('close', () => resolve({ secure, data, closedAfterMs: Date.now() - t0 }));
    setTimeout(() => s.destroy(), o.waitMs ?? 8000).unref();
  });
}

/** Sends raw bytes (or nothing) to `host:15443` and resolves when the gateway closes the connection. */
export function rawProbe(host: string, bytes: Buffer | undefined, waitMs = 9000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let data = '';
    const s = net.connect({ host, port: 15443 }, () => bytes && s.write(bytes));
    s.on('data', (d: Buffer) => (data += d.toString()));
    s.on('error', () => {});
    s.on('close', () => resolve({ secure: false, data, closedAfterMs: Date.now() - t0 }));
    setTimeout(() => s.destroy(), waitMs).unref();
  });
}

/** The gateway's `meshbridge_gateway_connections_total` by outcome (summed over services), from its metrics port. */
export async function gatewayConnections(gatewayIp: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await proxyMetrics(gatewayIp)).matchAll(
    /^meshbridge_gateway_connections_total\{([^}]*)\} (\d+)/gm,
  )) {
    const outcome = /outcome="([^"]*)"/.exec(m[1] ?? '')?.[1] ?? '';
    out[outcome] = (out[outcome] ?? 0) + Number(m[2]);
  }
  return out;
}

/** Total of a connections-by-outcome record. */
export const total = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
