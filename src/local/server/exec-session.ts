/**
 * One `kubectl exec` session: a command run as the pod would run it (the container's environment and the pod's
 * directory, on this host: a pod is a process on a loopback IP), its standard streams carried over an accepted
 * WebSocket with the channel protocol of exec-protocol.ts. The command is started directly, never through a shell.
 * When the client goes away first, the command is killed (SIGKILL): nothing outlives its session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { WebSocket } from 'ws';
import {
  CHANNEL,
  decodeClientMessage,
  encodeFrame,
  finalStatus,
  type ExecOutcome,
  type ExecProtocol,
  type ExecRequest,
} from './exec-protocol.js';

/** Where and how a pod's container runs a command. */
export interface ExecTarget {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Rewrites the command for the container (paths into its volumes); the command as sent when absent. */
  readonly command?: (argv: readonly string[]) => string[];
}

/** Options of a session; frozen by the caller. */
export interface ExecSessionOptions {
  readonly socket: WebSocket;
  readonly protocol: ExecProtocol;
  readonly request: ExecRequest;
  readonly target: ExecTarget;
  /** Called once the command has ended and the session is over (for the server's session count). */
  readonly onEnd: () => void;
  /** Milliseconds between server pings; a client that missed one is gone and its command is killed (default 30 s). */
  readonly pingIntervalMs?: number;
}

/** Bytes queued on the socket above which the command's output is paused until the client catches up. */
const HIGH_WATER = 1024 * 1024;

/** Runs the command and carries its streams until it ends or the client leaves. */
export function runExecSession(options: ExecSessionOptions): void {
  const { socket, protocol, request, target } = options;
  const [file, ...args] = (target.command ? target.command(request.command) : request.command) as [string, ...string[]];
  let ended = false;
  let child: ChildProcess | undefined;
  let spawnError: NodeJS.ErrnoException | undefined;
  let alive = true;

  const finish = (outcome: ExecOutcome): void => {
    if (ended) return;
    ended = true;
    clearInterval(pinger);
    options.onEnd();
    if (socket.readyState !== socket.OPEN) return;
    socket.send(encodeFrame(CHANNEL.error, JSON.stringify(finalStatus(outcome))));
    socket.close(1000);
  };

  // Close codes other than a normal end, and lost pongs, all mean the client is gone: kill what it started.
  const abandon = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(pinger);
    options.onEnd();
    child?.kill('SIGKILL');
    socket.terminate();
  };

  const pinger = setInterval(() => {
    if (!alive) return abandon();
    alive = false;
    socket.ping();
  }, options.pingIntervalMs ?? 30_000);
  socket.on('pong', () => (alive = true));

  try {
    child = spawn(file, args, {
      cwd: target.cwd,
      env: { ...target.env },
      stdio: [
        request.stdin ? 'pipe' : 'ignore',
        request.stdout ? 'pipe' : 'ignore',
        request.stderr ? 'pipe' : 'ignore',
      ],
    });
  } catch (err) {
    // spawn throws synchronously only for arguments it cannot pass (checked earlier); report it like a failed start.
    finish({ type: 'not-started', code: 126, message: `cannot start ${file}: ${(err as Error).message}` });
    return;
  }
  const proc = child;

  const forward = (channel: number, stream: NodeJS.ReadableStream | null): void => {
    stream?.on('data', (chunk: Buffer) => {
      if (socket.readyState !== socket.OPEN) return;
      socket.send(encodeFrame(channel, chunk));
      if (socket.bufferedAmount > HIGH_WATER) {
        stream.pause();
        const wait = setInterval(() => {
          if (socket.bufferedAmount <= HIGH_WATER / 2 || socket.readyState !== socket.OPEN) {
            clearInterval(wait);
            stream.resume();
          }
        }, 10);
      }
    });
  };
  forward(CHANNEL.stdout, proc.stdout);
  forward(CHANNEL.stderr, proc.stderr);
  // A command that exits without reading all its input must not crash the server with EPIPE.
  proc.stdin?.on('error', () => undefined);

  proc.once('error', (err: NodeJS.ErrnoException) => {
    spawnError = err;
  });
  proc.once('close', (code, signal) => {
    if (spawnError) {
      const missing = spawnError.code === 'ENOENT';
      const message = missing
        ? `exec: ${JSON.stringify(file)}: executable file not found in $PATH`
        : `exec: ${JSON.stringify(file)}: ${spawnError.message}`;
      if (request.stderr && socket.readyState === socket.OPEN) socket.send(encodeFrame(CHANNEL.stderr, `${message}\n`));
      finish({ type: 'not-started', code: missing ? 127 : 126, message });
      return;
    }
    finish(signal ? { type: 'signaled', signal } : { type: 'exited', code: code ?? 1 });
  });

  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      socket.close(1003, 'remote command messages are binary');
      return;
    }
    const msg = decodeClientMessage(data, protocol);
    switch (msg.type) {
      case 'stdin':
        if (proc.stdin && !proc.stdin.writableEnded && !proc.stdin.write(msg.data)) {
          socket.pause();
          proc.stdin.once('drain', () => socket.resume());
        }
        return;
      case 'close':
        if (msg.channel === CHANNEL.stdin) proc.stdin?.end();
        return;
      case 'resize':
        return;
      case 'invalid':
        socket.close(1002, msg.reason.slice(0, 100));
        return;
    }
  });
  socket.on('close', () => {
    if (!ended) abandon();
  });
  socket.on('error', () => abandon());
}
