/**
 * The part of SPDY/3.1 (draft-mbelshe-httpbis-spdy-00) that `kubectl port-forward` uses: kubectl 1.31+ tunnels a
 * SPDY connection through a WebSocket (subprotocol `SPDY/3.1+portforward.k8s.io`; each binary message carries raw
 * SPDY bytes) and opens streams on it. Pure framing here (frames in and out, header blocks); `HeaderCodec` holds the
 * two zlib contexts a connection's header blocks share. Flow control is not enforced in either direction, as the
 * client (moby/spdystream) does not enforce it either.
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';

/** Largest frame accepted (a data frame carries at most a TCP read; kubectl sends up to 32 KiB). */
export const MAX_FRAME = 1024 * 1024;
/** Largest decompressed header block (kubectl's hold three short headers). */
export const MAX_HEADER_BLOCK = 64 * 1024;

/** Control frame types used. */
export const TYPE = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goaway: 7, headers: 8 } as const;
/** Frame flags. */
export const FLAG_FIN = 0x01;
/** RST_STREAM status codes. */
export const RST = { protocolError: 1, refusedStream: 3, cancel: 5 } as const;

/** A decoded frame. */
export type Frame =
  | { readonly kind: 'data'; readonly streamId: number; readonly fin: boolean; readonly data: Buffer }
  | { readonly kind: 'syn_stream'; readonly streamId: number; readonly fin: boolean; readonly headerBlock: Buffer }
  | { readonly kind: 'rst_stream'; readonly streamId: number; readonly status: number }
  | { readonly kind: 'ping'; readonly id: number }
  | { readonly kind: 'goaway' }
  | { readonly kind: 'other'; readonly type: number };

/** Why bytes cannot be SPDY/3. */
export class SpdyError extends Error {
  override readonly name = 'SpdyError';
}

/**
 * Takes the first whole frame off `buf`: the frame and the bytes after it, or undefined when more bytes are
 * needed. Throws SpdyError for another SPDY version, a frame over MAX_FRAME or a malformed control frame.
 */
export function takeFrame(buf: Buffer): { frame: Frame; rest: Buffer } | undefined {
  if (buf.length < 8) return undefined;
  const length = buf.readUIntBE(5, 3);
  if (length > MAX_FRAME) throw new SpdyError(`frame of ${length} bytes; at most ${MAX_FRAME}`);
  if (buf.length < 8 + length) return undefined;
  const flags = buf[4] as number;
  const body = buf.subarray(8, 8 + length);
  const rest = buf.subarray(8 + length);
  if (((buf[0] as number) & 0x80) === 0) {
    return { frame: { kind: 'data', streamId: buf.readUInt32BE(0), fin: (flags & FLAG_FIN) !== 0, data: body }, rest };
  }
  const version = buf.readUInt16BE(0) & 0x7fff;
  if (version !== 3) throw new SpdyError(`SPDY version ${version}; only 3 is spoken`);
  const type = buf.readUInt16BE(2);
  const need = (n: number): void => {
    if (length < n) throw new SpdyError(`control frame type ${type} of ${length} bytes; needs ${n}`);
  };
  const streamId = (): number => body.readUInt32BE(0) & 0x7fffffff;
  switch (type) {
    case TYPE.synStream:
      need(10);
      return {
        frame: {
          kind: 'syn_stream',
          streamId: streamId(),
          fin: (flags & FLAG_FIN) !== 0,
          headerBlock: body.subarray(10),
        },
        rest,
      };
    case TYPE.rstStream:
      need(8);
      return { frame: { kind: 'rst_stream', streamId: streamId(), status: body.readUInt32BE(4) }, rest };
    case TYPE.ping:
      need(4);
      return { frame: { kind: 'ping', id: body.readUInt32BE(0) }, rest };
    case TYPE.goaway:
      return { frame: { kind: 'goaway' }, rest };
    default:
      return { frame: { kind: 'other', type }, rest };
  }
}

function controlFrame(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | 3, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(body.length, 4);
  head[4] = flags;
  return Buffer.concat([head, body]);
}

/** A DATA frame (FIN set when `fin`). */
export function dataFrame(streamId: number, data: Buffer, fin = false): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(data.length, 4);
  head[4] = fin ? FLAG_FIN : 0;
  return Buffer.concat([head, data]);
}

/** A SYN_REPLY frame with an already compressed header block. */
export function synReplyFrame(streamId: number, compressedHeaders: Buffer): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & 0x7fffffff, 0);
  return controlFrame(TYPE.synReply, 0, Buffer.concat([id, compressedHeaders]));
}

/** A RST_STREAM frame. */
export function rstStreamFrame(streamId: number, status: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32BE(streamId & 0x7fffffff, 0);
  body.writeUInt32BE(status, 4);
  return controlFrame(TYPE.rstStream, 0, body);
}

/** The PING answer: the same id back. */
export function pingFrame(id: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt32BE(id, 0);
  return controlFrame(TYPE.ping, 0, body);
}

/** A GOAWAY frame (status OK). */
export function goawayFrame(lastStreamId: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32BE(lastStreamId & 0x7fffffff, 0);
  return controlFrame(TYPE.goaway, 0, body);
}

/** Decodes an uncompressed header block: names lower case, a value's NUL-separated parts joined by commas. */
export function decodeHeaderBlock(block: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  const u32 = (): number => {
    if (at + 4 > block.length) throw new SpdyError('truncated header block');
    const v = block.readUInt32BE(at);
    at += 4;
    return v;
  };
  const str = (): string => {
    const len = u32();
    if (at + len > block.length) throw new SpdyError('truncated header block');
    const s = block.toString('latin1', at, at + len);
    at += len;
    return s;
  };
  const count = u32();
  if (count > 1000) throw new SpdyError(`${count} headers in one block`);
  for (let i = 0; i < count; i++) out.set(str().toLowerCase(), str().split('\0').join(','));
  return out;
}

/** Encodes a header block (before compression). */
export function encodeHeaderBlock(headers: ReadonlyMap<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n, 0);
    return b;
  };
  parts.push(u32(headers.size));
  for (const [k, v] of headers) {
    for (const s of [k, v]) {
      const b = Buffer.from(s, 'latin1');
      parts.push(u32(b.length), b);
    }
  }
  return Buffer.concat(parts);
}

/**
 * The zlib dictionary of SPDY/3 header blocks (the spec's section 2.6.10.1): the length-prefixed words below,
 * then the raw text.
 */
export const HEADER_DICTIONARY: Buffer = (() => {
  const words = [
    'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding',
    'accept-language', 'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection',
    'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location', 'content-md5',
    'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host', 'if-match',
    'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified', 'location',
    'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'retry-after',
    'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
    'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie',
    'keep-alive', 'origin',
  ]; // prettier-ignore
  const text =
    '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
    '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
    '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
    'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
    'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
    'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
  const parts = words.map((w) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length, 0);
    return Buffer.concat([len, Buffer.from(w, 'latin1')]);
  });
  return Buffer.concat([...parts, Buffer.from(text, 'latin1')]);
})();

/** Runs one chunk through a zlib stream up to a sync flush and collects what comes out (at most `limit` bytes). */
function pump(stream: Inflate | Deflate, chunk: Buffer, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    let size = 0;
    const onData = (d: Buffer): void => {
      size += d.length;
      if (size > limit) fail(new SpdyError(`header block over ${limit} bytes`));
      else out.push(d);
    };
    const fail = (err: Error): void => {
      stream.off('data', onData);
      reject(err);
    };
    stream.on('data', onData);
    stream.once('error', fail);
    stream.write(chunk);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      stream.off('data', onData);
      stream.off('error', fail);
      resolve(Buffer.concat(out));
    });
  });
}

/** The header compression contexts of one connection (one per direction, shared by all its header blocks). */
export class HeaderCodec {
  private readonly inflate = createInflate({ dictionary: HEADER_DICTIONARY });
  private readonly deflate = createDeflate({ dictionary: HEADER_DICTIONARY });

  /** Decompresses and decodes a received header block. */
  async decode(compressed: Buffer): Promise<Map<string, string>> {
    return decodeHeaderBlock(await pump(this.inflate, compressed, MAX_HEADER_BLOCK));
  }

  /** Encodes and compresses a header block to send. */
  encode(headers: ReadonlyMap<string, string>): Promise<Buffer> {
    return pump(this.deflate, encodeHeaderBlock(headers), Number.MAX_SAFE_INTEGER);
  }

  close(): void {
    this.inflate.destroy();
    this.deflate.destroy();
  }
}
