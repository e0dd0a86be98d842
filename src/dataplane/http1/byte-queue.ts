/**
 * Bytes received and not yet consumed, kept contiguous (a head is searched for `\r\n\r\n` in place) in a buffer
 * whose capacity doubles: a peer that sends one byte per packet costs linear copying, not a copy of everything so far
 * per packet (which a hostile client could turn into quadratic CPU time).
 */
export class ByteQueue {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  /** The unconsumed bytes (a view, valid until the next append or consume). */
  view(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  append(chunk: Buffer): void {
    if (this.length === 0 && this.buf.length <= chunk.length) {
      // The common case, one whole message per packet: no copy at all.
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
      return;
    }
    if (this.end + chunk.length > this.buf.length) {
      // An adopted chunk is always full (end === its length), so it is never written into.
      const size = this.length + chunk.length;
      const next = Buffer.allocUnsafe(Math.max(1024, 2 * size));
      this.buf.copy(next, 0, this.start, this.end);
      this.buf = next;
      this.end -= this.start;
      this.start = 0;
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  /** Drops the first `n` bytes. */
  consume(n: number): void {
    this.start = Math.min(this.end, this.start + n);
    if (this.start === this.end) this.clear();
  }

  /** Takes every unconsumed byte out and empties the queue (which never writes into that memory again). */
  takeAll(): Buffer {
    const out = this.view();
    this.clear();
    return out;
  }

  clear(): void {
    this.buf = Buffer.alloc(0);
    this.start = 0;
    this.end = 0;
  }
}
