/**
 * Raw client probes for security tests: send exact bytes over TCP or TLS and report what came back and when the
 * peer closed; read a process's resident memory.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

/** What a probe observed. */
export interface ProbeResult {
  /** Bytes the peer sent back. */
  data: string;
  /** Error code of the connection, if it failed (e.g. `ECONNRESET`, an OpenSSL alert). */
  error?: string;
  /** Whether the TLS handshake completed (TLS probes only). */
  handshake: boolean;
  /** Milliseconds from connect to close (or to `waitMs` when the peer kept the connection open). */
  closedAfterMs: number;
  /** Whether the peer closed the connection before `waitMs`. */
  closed: boolean;
}

/** Options of {@link probe}. */
export interface ProbeOptions {
  host: string;
  port: number;
  /** TLS client options; plain TCP when absent. */
  tls?: tls.ConnectionOptions;
  /** Chunks to write after connecting, each after `delayMs` (slowloris when > 0). */
  chunks?: Array<string | Buffer>;
  delayMs?: number;
  /** Give up (and destroy) after this long. */
  waitMs?: number;
}

/** Connects, writes the chunks, collects the answer until the peer closes or `waitMs` passes. */
export function probe(o: ProbeOptions): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let data = '';
    let handshake = false;
    let error: string | undefined;
    let done = false;
    const socket: net.Socket = o.tls
      ? tls.connect({ host: o.host, port: o.port, ...o.tls })
      : net.connect({ host: o.host, port: o.port });
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(limit);
      socket.destroy();
      resolve({ data, handshake, closedAfterMs: Date.now() - t0, closed, ...(error ? { error } : {}) });
    };
    const limit = setTimeout(() => finish(false), o.waitMs ?? 5000);
    const write = async (): Promise<void> => {
      for (const c of o.chunks ?? []) {
        if (socket.destroyed) return;
        socket.write(c);
        if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
      }
    };
    socket.once(o.tls ? 'secureConnect' : 'connect', () => {
      handshake = true;
      void write();
    });
    socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on('close', () => finish(true));
  });
}

/** Resident set size of a process in MB (Linux `/proc/<pid>/status`). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

/** Sockets a process holds open (Linux `/proc/<pid>/fd` entries that are sockets). */
export function socketCount(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed while listing
    }
  }
  return n;
}

/** Opens `count` TCP connections that send nothing; resolves once each has connected or failed. */
export async function openIdle(host: string, port: number, count: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  const batch = 100;
  for (let i = 0; i < count; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, () => {
        return new Promise<void>((resolve) => {
          const s = net.connect({ host, port });
          sockets.push(s);
          s.on('error', () => resolve());
          s.once('connect', () => resolve());
          s.once('close', () => resolve());
        });
      }),
    );
  }
  return sockets;
}
