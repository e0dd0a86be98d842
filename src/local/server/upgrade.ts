/**
 * Connection upgrades of the embedded API: the pod `exec` subresource over WebSocket (exec-protocol.ts,
 * exec-session.ts) and the pod `portforward` subresource, SPDY/3.1 tunnelled in a WebSocket (spdy.ts,
 * portforward-session.ts). An upgrade passes the same guard as every request (own Host, bearer token) and RBAC
 * before anything else (`create` on `pods/exec` or `pods/portforward`, as kube-apiserver asks of WebSocket
 * upgrades), then:
 *
 * - an `Origin` header is refused (403): kubectl and client libraries send none; a web page's WebSocket always does,
 *   and must never reach a process or a pod even if it somehow held the token;
 * - the target is checked (pod and container exist and run, exec query valid) and refused with a Kubernetes Status
 *   otherwise, so both of kubectl's attempts (WebSocket, then its SPDY fallback) show the same clear message;
 * - a SPDY upgrade to a valid target is refused with 400 naming the WebSocket subprotocols this server speaks;
 * - at most MAX_SESSIONS sessions run at once (429 beyond), and a client message is at most MAX_MESSAGE bytes (a
 *   larger one closes the connection with 1009 and ends the session).
 *
 * Only then is the WebSocket accepted and the command started or the forwarding begun.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Authorizer } from './authorization.js';
import type { Guard } from './guard.js';
import { requestAttributes } from './request-attributes.js';
import { chooseProtocol, EXEC_PROTOCOLS, offeredProtocols, parseExecQuery } from './exec-protocol.js';
import { runExecSession, type ExecTarget } from './exec-session.js';
import { runPortForwardSession } from './portforward-session.js';
import { ApiError } from './status.js';

/** Largest client message (a chunk of stdin): kubectl sends at most 32 KiB at a time. */
export const MAX_MESSAGE = 1024 * 1024;
/** Most exec sessions one cluster runs at once. */
export const MAX_SESSIONS = 64;

/** What the pod runner knows about a pod's containers, for exec. */
export interface StreamBackend {
  /**
   * The environment and directory of a running container of a pod (the first container when `container` is
   * undefined); throws ApiError NotFound / BadRequest naming what is missing or not running.
   */
  execTarget(namespace: string, pod: string, container: string | undefined): ExecTarget;
  /** The IP of a running pod, for port-forward; throws ApiError NotFound / BadRequest like `execTarget`. */
  portForwardTarget(namespace: string, pod: string): string;
}

/** The subprotocol kubectl 1.31+ tunnels port-forward's SPDY/3.1 streams in. */
export const PORT_FORWARD_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
const PORT_FORWARD_TOKEN = 'portforward.k8s.io';

/** Options of the upgrade handler. */
export interface UpgradeOptions {
  readonly guard: Guard;
  readonly authorizer: Authorizer;
  readonly backend: StreamBackend;
  /** The API's own `ip:port` (for the Host check), known once it listens. */
  readonly address: () => string;
}

const STREAM_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;

/** Whether a path is a streaming subresource (served only through an upgrade). */
export function isStreamPath(path: string): boolean {
  return STREAM_PATH.test(path);
}

/** Writes a Status answer on a socket that was not upgraded, and closes it. */
function refuse(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(
    `HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? ''}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** Builds the `upgrade` listener of an API server. */
export function createUpgradeHandler(
  options: UpgradeOptions,
): ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) & { close(): void } {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE,
    perMessageDeflate: false,
    handleProtocols: (offered, req) =>
      offered.has(PORT_FORWARD_TOKEN) && req.url?.split('?')[0]?.endsWith('/portforward')
        ? PORT_FORWARD_PROTOCOL
        : (chooseProtocol(offered) ?? false),
  });
  let sessions = 0;

  const accept = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://local');
    const user = options.guard(req, url.pathname, options.address(), { upgrade: true });
    if (!user) throw new ApiError('Unauthorized', 'Unauthorized');
    // The upgrade is a GET, but what it does is create a session: kube-apiserver checks `create` on the subresource.
    options.authorizer.check(user, requestAttributes('POST', url.pathname, url.searchParams));
    if (req.headers.origin !== undefined) {
      throw new ApiError('Forbidden', 'WebSocket requests from web pages (with an Origin header) are refused');
    }
    const m = STREAM_PATH.exec(url.pathname);
    if (!m) throw new ApiError('NotFound', 'the server could not find the requested resource');
    const [namespace, pod, sub] = [decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''), m[3]];
    if (sub === 'attach') throw new ApiError('BadRequest', 'the attach subresource is not served by local clusters');
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    const onlyWebSocket = (protocols: string): ApiError =>
      new ApiError(
        'BadRequest',
        `local clusters serve ${sub} over WebSocket only (subprotocols ${protocols}), ` +
          `not ${JSON.stringify(upgrade.slice(0, 40))}; kubectl 1.31 and later use it by default`,
      );
    const offered = offeredProtocols(req.headers['sec-websocket-protocol']);
    if (sessions >= MAX_SESSIONS) {
      throw new ApiError(
        'TooManyRequests',
        `too many exec and port-forward sessions (at most ${MAX_SESSIONS} at once)`,
      );
    }
    if (sub === 'portforward') {
      const podIP = options.backend.portForwardTarget(namespace, pod);
      if (upgrade !== 'websocket') throw onlyWebSocket(PORT_FORWARD_PROTOCOL);
      if (!offered.includes(PORT_FORWARD_PROTOCOL)) {
        throw new ApiError('BadRequest', `port-forward needs the subprotocol ${PORT_FORWARD_PROTOCOL}`);
      }
      // `/` is not an RFC 7230 token character, so ws would refuse kubectl's subprotocol while parsing the header:
      // it sees a token standing for it, and handleProtocols answers with the exact name kubectl checks for.
      req.headers['sec-websocket-protocol'] = PORT_FORWARD_TOKEN;
      wss.handleUpgrade(req, socket, head, (ws) => {
        sessions++;
        runPortForwardSession({ socket: ws, podIP, onEnd: () => sessions-- });
      });
      return;
    }
    const request = parseExecQuery(url.searchParams);
    const target = options.backend.execTarget(namespace, pod, request.container);
    if (upgrade !== 'websocket') throw onlyWebSocket(EXEC_PROTOCOLS.join(', '));
    const protocol = chooseProtocol(offered);
    if (!protocol) {
      throw new ApiError(
        'BadRequest',
        `no supported subprotocol offered; this server speaks ${EXEC_PROTOCOLS.join(', ')}`,
      );
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sessions++;
      runExecSession({ socket: ws, protocol, request, target, onEnd: () => sessions-- });
    });
  };

  const handler = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    try {
      accept(req, socket, head);
    } catch (err) {
      refuse(socket, err instanceof ApiError ? err : new ApiError('InternalError', String(err)));
    }
  };
  // Upgraded sockets leave the HTTP server: end them here, which kills their commands (exec-session.ts).
  const close = (): void => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
  return Object.assign(handler, { close });
}
