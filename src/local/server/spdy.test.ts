import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  goawayFrame,
  HEADER_DICTIONARY,
  HeaderCodec,
  MAX_FRAME,
  pingFrame,
  rstStreamFrame,
  SpdyError,
  synReplyFrame,
  takeFrame,
} from './spdy.js';

/** A control frame as a client writes it (version 3). */
function control(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(body.length, 4);
  head[4] = flags;
  return Buffer.concat([head, body]);
}

test('frames the server writes parse back to what was written', () => {
  const cases: Array<[Buffer, unknown]> = [
    [dataFrame(5, Buffer.from('abc')), { kind: 'data', streamId: 5, fin: false, data: Buffer.from('abc') }],
    [dataFrame(7, Buffer.alloc(0), true), { kind: 'data', streamId: 7, fin: true, data: Buffer.alloc(0) }],
    [rstStreamFrame(9, 5), { kind: 'rst_stream', streamId: 9, status: 5 }],
    [pingFrame(0xfffffffe), { kind: 'ping', id: 0xfffffffe }],
    [goawayFrame(3), { kind: 'goaway' }],
    [synReplyFrame(1, Buffer.from([1, 2])), { kind: 'other', type: 2 }],
  ];
  for (const [bytes, frame] of cases) assert.deepEqual(takeFrame(bytes), { frame, rest: Buffer.alloc(0) });
});

test('a SYN_STREAM yields its stream id, FIN flag and header block; bytes after a frame are kept', () => {
  const body = Buffer.concat([Buffer.from([0, 0, 0, 3, 0, 0, 0, 0, 0, 0]), Buffer.from('hdr')]);
  const next = dataFrame(3, Buffer.from('x'));
  const out = takeFrame(Buffer.concat([control(1, 1, body), next]));
  assert.deepEqual(out?.frame, { kind: 'syn_stream', streamId: 3, fin: true, headerBlock: Buffer.from('hdr') });
  assert.deepEqual(out?.rest, next);
});

test('incomplete input waits for more bytes, at every cut point', () => {
  const whole = dataFrame(1, Buffer.from('hello'));
  for (let cut = 0; cut < whole.length; cut++) assert.equal(takeFrame(whole.subarray(0, cut)), undefined, `cut ${cut}`);
});

test('another SPDY version, an oversized frame and a truncated control frame are SpdyErrors', () => {
  const v2 = control(6, 0, Buffer.alloc(4));
  v2.writeUInt16BE(0x8002, 0);
  const big = Buffer.alloc(8);
  big.writeUInt32BE(MAX_FRAME + 1, 4);
  const cases: Array<[Buffer, RegExp]> = [
    [v2, /version 2/],
    [big, /at most/],
    [control(3, 0, Buffer.alloc(4)), /needs 8/],
    [control(1, 0, Buffer.alloc(6)), /needs 10/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(
      () => takeFrame(bytes),
      (e: unknown) => e instanceof SpdyError && message.test(e.message),
    );
  }
});

test('header blocks round-trip, names lower-cased, NUL-separated values joined', () => {
  const headers = new Map([
    ['streamType', 'data'],
    ['port', '8080'],
    ['requestID', '0'],
  ]);
  const decoded = decodeHeaderBlock(encodeHeaderBlock(headers));
  assert.deepEqual(
    [...decoded],
    [
      ['streamtype', 'data'],
      ['port', '8080'],
      ['requestid', '0'],
    ],
  );
  assert.equal(decodeHeaderBlock(encodeHeaderBlock(new Map([['a', 'x\0y']]))).get('a'), 'x,y');
  assert.throws(() => decodeHeaderBlock(Buffer.from([0, 0, 0, 1, 0, 0, 0, 9])), SpdyError);
});

test('compressed header blocks share one context per direction across frames (as SPDY requires)', async () => {
  const client = new HeaderCodec();
  const server = new HeaderCodec();
  try {
    for (let i = 0; i < 5; i++) {
      const sent = new Map([
        ['streamtype', i % 2 ? 'data' : 'error'],
        ['requestid', String(i)],
      ]);
      assert.deepEqual(await server.decode(await client.encode(sent)), sent);
    }
  } finally {
    client.close();
    server.close();
  }
});

test('the header dictionary is the one of SPDY/3 (length and well-known parts)', () => {
  assert.equal(HEADER_DICTIONARY.length, 1423);
  assert.deepEqual(HEADER_DICTIONARY.subarray(0, 11), Buffer.from([0, 0, 0, 7, ...Buffer.from('options')]));
  assert.equal(HEADER_DICTIONARY.subarray(-13).toString('latin1'), 'utf-,*,enq=0.');
});
