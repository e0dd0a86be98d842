/**
 * What a built-in app has received, counted so a test can prove that nothing reached it: connections accepted,
 * HTTP requests, and bytes read from its sockets (raw bytes, so a connection that never forms a request still
 * counts). The counts go to `<app>.counters.json` in the process's working directory, which the pod runner sets to
 * the pod's state directory (`$MESHBRIDGE_HOME/clusters/<cluster>/pods/<namespace>_<pod>/`).
 *
 * Why a file: it adds no listener (no network attack surface, nothing to authenticate) and is readable by whoever
 * can read the home directory (0700) only. Why debounced: the hot path only bumps a number and arms one timer;
 * the file is rewritten at most once per {@link FLUSH_DEBOUNCE_MS}, atomically (write then rename), so a reader
 * never sees half a file. The path is not configurable from the pod's environment on purpose: a pod must not
 * choose where the host writes.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';

/** Delay between a change and the file write. */
export const FLUSH_DEBOUNCE_MS = 50;

/** The file's content. */
export interface AppCountersFile {
  app: string;
  pod: string;
  namespace: string;
  pid: number;
  connections: number;
  requests: number;
  bytes: number;
  updatedAt: string;
}

/** File name of an app's counters inside its working directory. */
export function countersFileName(app: string): string {
  return `${app}.counters.json`;
}

/** Options of {@link countTraffic}. */
export interface CountTrafficOptions {
  app: string;
  pod: string;
  namespace: string;
  /** Directory to write into; default the working directory (the pod's state directory). */
  dir?: string;
}

/**
 * Counts what `server` receives and keeps the counters file current (written once at start, so a reader can tell
 * "0 received" from "not started"). Returns a function that writes the file now (for shutdown).
 */
export function countTraffic(server: http.Server, o: CountTrafficOptions): () => void {
  const file = join(o.dir ?? process.cwd(), countersFileName(o.app));
  const tmp = `${file}.tmp`;
  const live = new Set<Socket>();
  let connections = 0;
  let requests = 0;
  let closedBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    let bytes = closedBytes;
    for (const s of live) bytes += s.bytesRead;
    const body: AppCountersFile = {
      app: o.app,
      pod: o.pod,
      namespace: o.namespace,
      pid: process.pid,
      connections,
      requests,
      bytes,
      updatedAt: new Date().toISOString(),
    };
    try {
      writeFileSync(tmp, JSON.stringify(body) + '\n', { mode: 0o600 });
      renameSync(tmp, file);
    } catch (err) {
      process.stderr.write(`${o.app}: cannot write ${file}: ${(err as Error).message}\n`);
    }
  };
  const changed = (): void => {
    if (timer === undefined) timer = setTimeout(flush, FLUSH_DEBOUNCE_MS).unref();
  };
  server.on('connection', (socket: Socket) => {
    connections += 1;
    live.add(socket);
    socket.once('close', () => {
      live.delete(socket);
      closedBytes += socket.bytesRead;
      changed();
    });
    changed();
  });
  server.on('request', () => {
    requests += 1;
    changed();
  });
  flush();
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    flush();
  };
}
