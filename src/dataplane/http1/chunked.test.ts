// Where a chunked body ends, found byte-exactly whatever the buffer boundaries, and bad framing refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedFraming, MAX_CHUNK_METADATA } from './chunked.js';
import { ResponseHeadError } from './head.js';

const BODY = '5\r\nhello\r\n1a;name="v x"\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\nX-Other: two\r\n\r\n';

/** Feeds `text` split at the given offsets; returns where the body ended in the whole, or -1. */
function endOf(text: string, cuts: number[]): number {
  const f = new ChunkedFraming();
  const bytes = Buffer.from(text, 'latin1');
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    const end = f.feed(bytes.subarray(from, cut));
    if (end >= 0) return from + end;
    from = cut;
  }
  return -1;
}

describe('ChunkedFraming', () => {
  it('finds the end of a body with extensions and trailers, in one buffer', () => {
    assert.equal(endOf(BODY, []), BODY.length);
  });

  it('finds the same end at every split into two buffers, and into single bytes', () => {
    for (let cut = 1; cut < BODY.length; cut++) assert.equal(endOf(BODY, [cut]), BODY.length, `cut at ${cut}`);
    assert.equal(
      endOf(
        BODY,
        Array.from({ length: BODY.length - 1 }, (_, i) => i + 1),
      ),
      BODY.length,
    );
  });

  it('stops at the end: bytes after it (a next response) are not part of the body', () => {
    const text = `${BODY}HTTP/1.1 200 OK\r\n`;
    assert.equal(endOf(text, []), BODY.length);
  });

  it('needs more bytes until the final empty line', () => {
    assert.equal(endOf('5\r\nhello\r\n0\r\n', []), -1);
    assert.equal(endOf('0\r\n\r', []), -1);
    assert.equal(endOf('0\r\n\r\n', []), 5);
  });

  const bad: Array<[string, string]> = [
    ['a size that is not hexadecimal', 'g\r\n'],
    ['an empty size', '\r\n'],
    ['a bare LF after the size', '5\nhello\r\n0\r\n\r\n'],
    ['data longer than its size', '2\r\nabc\r\n0\r\n\r\n'],
    ['a bare LF after the data', '2\r\nab\n0\r\n\r\n'],
    ['a control byte in an extension', '2;a\x01\r\nab\r\n'],
    ['a size of 16 hex digits', `${'1'.repeat(16)}\r\n`],
    ['a trailer starting with whitespace (obs-fold)', '0\r\n X: 1\r\n\r\n'],
    ['a bare LF ending a trailer', '0\r\nX: 1\n\r\n'],
    ['a bare LF as the last line', '0\r\n\n'],
  ];
  for (const [name, text] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => endOf(text, []), ResponseHeadError);
    });
  }

  it('bounds extensions and trailers', () => {
    const long = `0\r\nX: ${'a'.repeat(MAX_CHUNK_METADATA)}\r\n\r\n`;
    assert.throws(() => endOf(long, []), /too large/);
  });
});
