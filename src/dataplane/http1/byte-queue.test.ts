// The fast path's receive buffer: contiguous bytes, front consumption, and linear cost for byte-by-byte peers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ByteQueue } from './byte-queue.js';

describe('ByteQueue', () => {
  it('keeps appended bytes contiguous across consumes, adopting a lone chunk without a copy', () => {
    const q = new ByteQueue();
    const first = Buffer.from('GET / HTTP/1.1\r\n');
    q.append(first);
    assert.equal(q.view().buffer, first.buffer, 'a chunk into an empty queue is adopted');
    q.append(Buffer.from('Host: a\r\n\r\nrest'));
    assert.equal(q.view().toString(), 'GET / HTTP/1.1\r\nHost: a\r\n\r\nrest');
    assert.equal(first.toString(), 'GET / HTTP/1.1\r\n', 'the adopted chunk is never written into');
    q.consume(q.view().indexOf('rest'));
    assert.equal(q.view().toString(), 'rest');
    q.append(Buffer.from('!'));
    assert.equal(q.takeAll().toString(), 'rest!');
    assert.equal(q.length, 0);
  });

  it('copies a byte-by-byte peer linearly (each byte a few times), not everything so far per byte', () => {
    const q = new ByteQueue();
    let copied = 0;
    const original = Buffer.prototype.copy;
    Buffer.prototype.copy = function (this: Buffer, ...args: Parameters<Buffer['copy']>) {
      const n = original.apply(this, args);
      copied += n;
      return n;
    } as Buffer['copy'];
    try {
      for (let i = 0; i < 100_000; i++) q.append(Buffer.from([i & 0xff]));
    } finally {
      Buffer.prototype.copy = original;
    }
    assert.equal(q.length, 100_000);
    assert.equal(q.view()[99_999], 99_999 & 0xff);
    // Doubling: every byte is copied in once plus on average about once more at each growth.
    assert.ok(copied < 4 * 100_000, `copied ${copied} bytes`);
  });
});
