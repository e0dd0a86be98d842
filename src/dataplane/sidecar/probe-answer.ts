/**
 * The server side of the remote-service probe (src/xds/probe.ts): a `GET` from a verified mesh peer carrying the
 * probe header is answered by the sidecar, `200` when its application accepts a TCP connection within the
 * timeout, `503` otherwise. Only a connect reaches the application (closed at once, nothing written), so a probe
 * never runs application code; the answer says no more than whether the port accepts.
 */
import net from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROBE_HEADER, PROBE_VALUE } from '../../xds/index.js';
import type { InboundTarget } from '../runtime.js';

/** How long the application may take to accept the connect. */
const APP_CONNECT_TIMEOUT_MS = 1000;

/** Whether a request is a probe: a GET without a body carrying the probe header's value. */
export function isProbe(req: IncomingMessage): boolean {
  return req.method === 'GET' && req.headers[PROBE_HEADER] === PROBE_VALUE;
}

/** Answers a probe for the application at `target`. */
export function answerProbe(target: InboundTarget, res: ServerResponse): void {
  const socket = net.connect({ host: target.host, port: target.port });
  let done = false;
  const answer = (status: 200 | 503, text: string): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.destroy();
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const timer = setTimeout(
    () => answer(503, 'application did not accept a connection in time'),
    APP_CONNECT_TIMEOUT_MS,
  );
  socket.once('connect', () => answer(200, 'application accepts connections'));
  socket.once('error', (err: NodeJS.ErrnoException) =>
    answer(503, `application refused the connection (${err.code ?? 'error'})`),
  );
  res.once('close', () => {
    clearTimeout(timer);
    socket.destroy();
  });
}
