/**
 * A request body that streams to the current upstream attempt with backpressure and keeps a copy (up to a limit)
 * so a retry can replay it. It never lets a non-idempotent request be replayed once body bytes may have reached
 * an upstream that accepted the connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';

/** Methods safe to replay (RFC 9110 idempotent). */
export const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** Default replay buffer: 1 MiB (Envoy's per-connection buffer limit is 1 MiB too). */
export const DEFAULT_REPLAY_LIMIT = 1 << 20;

/** True when the request declares a body (chunked, or a non-zero Content-Length). */
export function hasBody(req: IncomingMessage): boolean {
  const cl = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (cl !== undefined && cl !== '0');
}

/** The body of one downstream request, shared by its upstream attempts. */
export class RequestBody {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private buffered = true;
  private ended = false;
  private sink: Writable | undefined;
  /** True once a body byte was handed to an upstream attempt. */
  bodyBytesSent = false;

  constructor(
    private readonly src: IncomingMessage,
    private readonly limit = DEFAULT_REPLAY_LIMIT,
  ) {
    // No framing header means no body (RFC 9112 6.3): end each attempt at once instead of a tick later.
    if (!hasBody(src)) {
      this.ended = true;
      src.resume();
      return;
    }
    src.on('data', (chunk: Buffer) => this.onData(chunk));
    src.on('end', () => {
      this.ended = true;
      this.sink?.end();
    });
    src.pause();
  }

  private onData(chunk: Buffer): void {
    if (this.buffered) {
      this.size += chunk.length;
      if (this.size > this.limit) {
        this.buffered = false;
        this.chunks.length = 0;
      } else {
        this.chunks.push(chunk);
      }
    }
    const sink = this.sink;
    if (!sink) return;
    if (chunk.length > 0) this.bodyBytesSent = true;
    if (!sink.write(chunk)) {
      this.src.pause();
      sink.once('drain', () => {
        if (this.sink === sink) this.src.resume();
      });
    }
  }

  /**
   * Whether another attempt may be made. `connected` says whether the failed attempt's connection was ever
   * established (if not, nothing reached the peer and any buffered body can be replayed).
   */
  canReplay(method: string, connected: boolean): boolean {
    const haveAll = !this.bodyBytesSent || this.buffered;
    if (!haveAll) return false;
    if (!connected) return true;
    return !this.bodyBytesSent || IDEMPOTENT.has(method.toUpperCase());
  }

  /**
   * Whether a hedged try may start beside a running one: the whole body is here (so every try gets all of it)
   * and replaying it is safe for the method (no body sent yet, or an idempotent method).
   */
  canHedge(method: string): boolean {
    return this.ended && this.buffered && (!this.bodyBytesSent || IDEMPOTENT.has(method.toUpperCase()));
  }

  /** Streams the body (buffered part first, then the rest as it arrives) into a new attempt. */
  attach(sink: Writable): void {
    this.sink = sink;
    for (const c of this.chunks) {
      if (c.length > 0) this.bodyBytesSent = true;
      sink.write(c);
    }
    if (this.ended) sink.end();
    else this.src.resume();
  }

  /** Stops feeding the current attempt (it failed). */
  detach(): void {
    this.sink = undefined;
    if (!this.ended) this.src.pause();
  }
}
