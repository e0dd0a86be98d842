/**
 * Finds where a chunked body ends (RFC 9112 7.1) without decoding it: the fast path relays chunked bytes as they
 * are and only needs to know, strictly, where the message stops so the connection can carry the next one. Sizes,
 * extensions and trailer lines are checked as they pass; anything else (a bare LF, a size that is not hexadecimal
 * or needs more than 15 digits, a control byte in an extension or a trailer, more than 16 KiB of extensions or
 * trailers) throws, so a response is never relayed with framing the proxy and the app could read differently.
 */
import { ResponseHeadError } from './head.js';

const enum State {
  Size,
  Ext,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  Trailer,
  TrailerLf,
  EndLf,
  Done,
}

/** Most hex digits of a chunk size: 15 stays an exact integer (2^60 bytes), far beyond any real body. */
const MAX_SIZE_DIGITS = 15;
/** Bytes of chunk extensions and trailer lines one body may carry in all. */
export const MAX_CHUNK_METADATA = 16 * 1024;

const hexValue = (b: number): number => {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
};
// Extension and trailer bytes: HTAB, visible ASCII, SP, obs-text.
const textByte = (b: number): boolean => b === 0x09 || (b >= 0x20 && b !== 0x7f);

/** Tracks one chunked body across the buffers it arrives in. */
export class ChunkedFraming {
  private state = State.Size;
  private digits = 0;
  private remaining = 0;
  private metadata = 0;

  /** True once the last chunk and the trailer section have passed. */
  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Reads `buf` from `from` on; returns the index just past the body's end, or -1 if the body goes on past `buf`.
   * Throws {@link ResponseHeadError} on bad framing.
   */
  feed(buf: Uint8Array, from = 0): number {
    let i = from;
    while (i < buf.length) {
      if (this.state === State.Data) {
        const take = Math.min(this.remaining, buf.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = State.DataCr;
        continue;
      }
      const b = buf[i++] as number;
      switch (this.state) {
        case State.Size: {
          const v = hexValue(b);
          if (v >= 0) {
            if (++this.digits > MAX_SIZE_DIGITS) throw new ResponseHeadError('chunk size too large');
            this.remaining = this.remaining * 16 + v;
          } else if (this.digits > 0 && (b === 0x3b || b === 0x20 || b === 0x09)) {
            this.state = State.Ext;
            this.countMetadata();
          } else if (this.digits > 0 && b === 0x0d) {
            this.state = State.SizeLf;
          } else {
            throw new ResponseHeadError('chunk size');
          }
          break;
        }
        case State.Ext:
          if (b === 0x0d) this.state = State.SizeLf;
          else if (textByte(b)) this.countMetadata();
          else throw new ResponseHeadError('chunk extension');
          break;
        case State.SizeLf:
          if (b !== 0x0a) throw new ResponseHeadError('chunk size line');
          this.digits = 0;
          this.state = this.remaining === 0 ? State.TrailerStart : State.Data;
          break;
        case State.DataCr:
          if (b !== 0x0d) throw new ResponseHeadError('chunk data longer than its size');
          this.state = State.DataLf;
          break;
        case State.DataLf:
          if (b !== 0x0a) throw new ResponseHeadError('chunk data line');
          this.state = State.Size;
          break;
        case State.TrailerStart:
          if (b === 0x0d) this.state = State.EndLf;
          else if (textByte(b) && b !== 0x20 && b !== 0x09) {
            this.state = State.Trailer;
            this.countMetadata();
          } else throw new ResponseHeadError('trailer');
          break;
        case State.Trailer:
          if (b === 0x0d) this.state = State.TrailerLf;
          else if (textByte(b)) this.countMetadata();
          else throw new ResponseHeadError('trailer');
          break;
        case State.TrailerLf:
          if (b !== 0x0a) throw new ResponseHeadError('trailer line');
          this.state = State.TrailerStart;
          break;
        case State.EndLf:
          if (b !== 0x0a) throw new ResponseHeadError('last chunk');
          this.state = State.Done;
          return i;
        case State.Done:
          return i - 1;
      }
    }
    return -1;
  }

  private countMetadata(): void {
    if (++this.metadata > MAX_CHUNK_METADATA) throw new ResponseHeadError('chunk extensions or trailers too large');
  }
}
