/**
 * How the management plane listens: HTTPS with a certificate and key, or plain HTTP only when asked for explicitly
 * and only on a loopback address (bearer tokens and session cookies must never cross a network in clear). Pure.
 */
import { isIPv4 } from 'node:net';

/** The server's certificate chain and private key, PEM. */
export interface ServerTls {
  certPem: string;
  keyPem: string;
}

/** What the management plane serves. */
export type Transport = { scheme: 'https'; tls: ServerTls } | { scheme: 'http' };

/** A refused transport setting; the message says what to pass instead. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost): reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIPv4(h) && h.startsWith('127.');
}

/**
 * Decides the transport for a listen host. HTTPS when `tls` is given; plain HTTP when `plainHttp` is set and the
 * host is loopback; anything else throws TransportError.
 */
export function resolveTransport(options: { host: string; tls?: ServerTls; plainHttp?: boolean }): Transport {
  if (options.tls !== undefined && options.plainHttp === true) {
    throw new TransportError('give either a TLS certificate and key or --plain-http, not both');
  }
  if (options.tls !== undefined) return { scheme: 'https', tls: options.tls };
  if (options.plainHttp !== true) {
    throw new TransportError(
      'the management plane serves HTTPS: give --tls-cert FILE and --tls-key FILE (or MESHBRIDGE_TLS_CERT and ' +
        'MESHBRIDGE_TLS_KEY); --plain-http is allowed on a loopback address only',
    );
  }
  if (!isLoopbackHost(options.host)) {
    throw new TransportError(
      `--plain-http is refused on ${options.host}: plain HTTP would carry tokens in clear off this machine; ` +
        'listen on a loopback address (127.0.0.1, ::1) or serve HTTPS with --tls-cert and --tls-key',
    );
  }
  return { scheme: 'http' };
}
