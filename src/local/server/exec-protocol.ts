/**
 * The Kubernetes remote-command streaming protocol over WebSocket, as kubectl 1.30+ speaks it for `kubectl exec`
 * (client-go's WebSocket executor, KEP-3396). Pure: subprotocol choice, the exec query, message framing and the
 * final `metav1.Status`; exec-session.ts applies them to a process and a socket.
 *
 * Every binary message starts with a channel byte: 0 stdin (client -> server), 1 stdout, 2 stderr, 3 error (the
 * final Status JSON, server -> client), 4 resize (terminal size JSON, client -> server). `v5.channel.k8s.io` adds
 * the close signal: a message `[255, channel]` half-closes that channel (kubectl sends `[255, 0]` when its stdin
 * ends, so the command sees EOF). `v4.channel.k8s.io` has no close signal: stdin stays open until the command exits.
 * The server ends a session by sending the Status on channel 3, then a normal (1000) close; kubectl reads the
 * Status and exits with the command's exit code (reason `NonZeroExitCode`, cause `ExitCode`).
 */
import { constants } from 'node:os';
import { ApiError } from './status.js';

/** The subprotocols served, most preferred first. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

/** A served subprotocol. */
export type ExecProtocol = (typeof EXEC_PROTOCOLS)[number];

/** Channel numbers of the protocol. */
export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** Most arguments a command may have, and most bytes all of them together (a query is not a place for data). */
export const MAX_COMMAND_ARGS = 256;
export const MAX_COMMAND_BYTES = 64 * 1024;

/** What an exec request asks for (the query parameters of `PodExecOptions`). */
export interface ExecRequest {
  readonly command: readonly string[];
  /** The container named with `container=`, if any (else the pod's first container). */
  readonly container?: string;
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
}

/** The preferred served subprotocol among those a client offers (`Sec-WebSocket-Protocol`), if any. */
export function chooseProtocol(offered: Iterable<string>): ExecProtocol | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return EXEC_PROTOCOLS.find((p) => set.has(p));
}

/** The subprotocols a `Sec-WebSocket-Protocol` header offers. */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** A boolean query parameter as client-go encodes it (`true`/`1`; absent means false). */
function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

/**
 * Decodes an exec query (`command=` repeated, `container`, `stdin`, `stdout`, `stderr`, `tty`). Throws BadRequest
 * for no command, an empty program name, a NUL byte, too many or too long arguments, a request for no stream at all,
 * and `tty=true` (commands run without a terminal here; kubectl only asks for one when its own stdin is a terminal).
 */
export function parseExecQuery(q: URLSearchParams): ExecRequest {
  const command = q.getAll('command');
  if (command.length === 0 || command[0] === '') {
    throw new ApiError('BadRequest', 'you must specify at least 1 command');
  }
  if (command.length > MAX_COMMAND_ARGS) {
    throw new ApiError('BadRequest', `the command has ${command.length} arguments; at most ${MAX_COMMAND_ARGS}`);
  }
  const bytes = command.reduce((n, a) => n + Buffer.byteLength(a), 0);
  if (bytes > MAX_COMMAND_BYTES) {
    throw new ApiError('BadRequest', `the command has ${bytes} bytes; at most ${MAX_COMMAND_BYTES}`);
  }
  if (command.some((a) => a.includes('\0'))) throw new ApiError('BadRequest', 'the command contains a NUL byte');
  if (flag(q, 'tty')) {
    throw new ApiError(
      'BadRequest',
      'a TTY is not supported by local clusters: commands run without a terminal (run kubectl exec without -t)',
    );
  }
  const req: ExecRequest = {
    command,
    ...(q.get('container') ? { container: q.get('container') as string } : {}),
    stdin: flag(q, 'stdin'),
    stdout: flag(q, 'stdout'),
    stderr: flag(q, 'stderr'),
  };
  if (!req.stdin && !req.stdout && !req.stderr) {
    throw new ApiError('BadRequest', 'you must specify at least 1 of stdin, stdout, stderr');
  }
  return req;
}

/** One message on a channel. */
export function encodeFrame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([Buffer.of(channel), body]);
}

/** A client message, decoded. */
export type ClientMessage =
  | { readonly type: 'stdin'; readonly data: Buffer }
  | { readonly type: 'close'; readonly channel: number }
  | { readonly type: 'resize' }
  | { readonly type: 'invalid'; readonly reason: string };

/**
 * Decodes a message from the client. Only stdin data, resize (ignored: there is no terminal) and, in v5, the close
 * signal are meaningful from a client; anything else is `invalid` and ends the session.
 */
export function decodeClientMessage(message: Buffer, protocol: ExecProtocol): ClientMessage {
  if (message.length === 0) return { type: 'invalid', reason: 'empty message (no channel byte)' };
  const channel = message[0] as number;
  if (channel === CHANNEL.stdin) return { type: 'stdin', data: message.subarray(1) };
  if (channel === CHANNEL.resize) return { type: 'resize' };
  if (channel === CHANNEL.close && protocol === 'v5.channel.k8s.io') {
    if (message.length !== 2) return { type: 'invalid', reason: 'a close signal names exactly one channel' };
    return { type: 'close', channel: message[1] as number };
  }
  return { type: 'invalid', reason: `a client may not send on channel ${channel}` };
}

/** How a command ended: its exit code, or the signal that killed it, or why it never started. */
export type ExecOutcome =
  | { readonly type: 'exited'; readonly code: number }
  | { readonly type: 'signaled'; readonly signal: NodeJS.Signals }
  | { readonly type: 'not-started'; readonly code: 126 | 127; readonly message: string };

/** The exit code kubectl reports for an outcome: the code, 128 + the signal's number, or 126/127 like a shell. */
export function exitCodeOf(outcome: ExecOutcome): number {
  switch (outcome.type) {
    case 'exited':
      return outcome.code;
    case 'signaled':
      return 128 + (constants.signals[outcome.signal] ?? 9);
    case 'not-started':
      return outcome.code;
  }
}

/**
 * The Status sent on the error channel when the command ends (the kubelet's wording): `Success` for exit code 0,
 * else `Failure` with reason `NonZeroExitCode` and an `ExitCode` cause holding the code as a decimal string.
 */
export function finalStatus(outcome: ExecOutcome): Record<string, unknown> {
  const code = exitCodeOf(outcome);
  if (code === 0) return { metadata: {}, status: 'Success' };
  const message =
    outcome.type === 'not-started'
      ? outcome.message
      : outcome.type === 'signaled'
        ? `command terminated by signal ${outcome.signal}`
        : `command terminated with non-zero exit code: exit status ${code}`;
  return {
    metadata: {},
    status: 'Failure',
    message,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}
