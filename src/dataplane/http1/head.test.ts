// The strict head parsers: what is inside the fast path's subset (parsed exactly), what is outside (handed to
// Node's parser, with the reason), and the upstream response framings (golden table).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_HEAD_BYTES, parseRequestHead, parseResponseHead, ResponseHeadError } from './head.js';

const H = (...lines: string[]): string => lines.join('\r\n');

describe('parseRequestHead', () => {
  it('parses a request in the subset: method, target, headers in order with names lower-cased and values trimmed', () => {
    const r = parseRequestHead(H('GET /a?b=1 HTTP/1.1', 'Host: details:9080', 'X-Two:  a b \t', 'x-two: c'));
    assert.deepEqual(r, {
      method: 'GET',
      target: '/a?b=1',
      headers: [
        ['host', 'details:9080'],
        ['x-two', 'a b'],
        ['x-two', 'c'],
      ],
      contentLength: 0,
      close: false,
    });
  });

  it('reads Content-Length, Connection: close and absolute-form targets', () => {
    const r = parseRequestHead(
      H('POST http://details:9080/x HTTP/1.1', 'Host: details:9080', 'Content-Length: 12', 'Connection: Close'),
    );
    assert.ok(!('outside' in r));
    assert.equal(r.contentLength, 12);
    assert.equal(r.close, true);
    assert.equal(r.target, 'http://details:9080/x');
  });

  it('keeps obs-text in values byte for byte (latin1 in, latin1 out)', () => {
    const r = parseRequestHead(H('GET / HTTP/1.1', 'Host: a', 'X-Name: caf\xe9'));
    assert.ok(!('outside' in r));
    assert.equal(r.headers[1]?.[1], 'caf\xe9');
  });

  const outside: Array<[string, string, string]> = [
    ['HTTP/1.0', H('GET / HTTP/1.0', 'Host: a'), 'request line is not `METHOD target HTTP/1.1`'],
    ['a lower-case version', H('GET / http/1.1', 'Host: a'), 'request line is not `METHOD target HTTP/1.1`'],
    ['two spaces in the request line', H('GET  / HTTP/1.1', 'Host: a'), 'request line is not `METHOD target HTTP/1.1`'],
    ['CONNECT', H('CONNECT a:443 HTTP/1.1', 'Host: a:443'), 'method'],
    ['a method that is not a token', H('G(T / HTTP/1.1', 'Host: a'), 'method'],
    ['an asterisk target', H('OPTIONS * HTTP/1.1', 'Host: a'), 'request target form'],
    ['a target with a control byte', H('GET /a\x01 HTTP/1.1', 'Host: a'), 'start line has a control or non-ASCII byte'],
    ['Transfer-Encoding', H('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked'), 'transfer-encoding'],
    [
      'Content-Length and Transfer-Encoding',
      H('POST / HTTP/1.1', 'Host: a', 'Content-Length: 3', 'Transfer-Encoding: chunked'),
      'transfer-encoding',
    ],
    [
      'two Content-Lengths',
      H('POST / HTTP/1.1', 'Host: a', 'Content-Length: 3', 'Content-Length: 3'),
      'repeated content-length',
    ],
    [
      'a signed Content-Length',
      H('POST / HTTP/1.1', 'Host: a', 'Content-Length: +3'),
      'content-length is not a number',
    ],
    [
      'a Content-Length list',
      H('POST / HTTP/1.1', 'Host: a', 'Content-Length: 3, 3'),
      'content-length is not a number',
    ],
    ['two Hosts', H('GET / HTTP/1.1', 'Host: a', 'Host: b'), 'repeated host'],
    ['no Host with an origin-form target', H('GET / HTTP/1.1', 'X: 1'), 'no host'],
    ['no Host with an absolute-form target', H('GET http://a/ HTTP/1.1', 'X: 1'), 'no host'],
    ['a method llhttp does not know', H('FOO / HTTP/1.1', 'Host: a'), 'method'],
    ['a lower-case method', H('get / HTTP/1.1', 'Host: a'), 'method'],
    [
      'two Proxy-Authorizations',
      H('GET / HTTP/1.1', 'Host: a', 'Proxy-Authorization: x', 'Proxy-Authorization: y'),
      'repeated proxy-authorization',
    ],
    ['Expect', H('POST / HTTP/1.1', 'Host: a', 'Expect: 100-continue'), 'expect'],
    ['Upgrade', H('GET / HTTP/1.1', 'Host: a', 'Upgrade: websocket'), 'upgrade'],
    ['Connection: upgrade', H('GET / HTTP/1.1', 'Host: a', 'Connection: keep-alive, Upgrade'), 'connection: upgrade'],
    ['TE', H('GET / HTTP/1.1', 'Host: a', 'TE: trailers'), 'te'],
    ['obs-fold', H('GET / HTTP/1.1', 'Host: a', 'X: a', ' b'), 'header line without a name'],
    ['whitespace before a colon', H('GET / HTTP/1.1', 'Host : a'), 'header name is not a token'],
    ['a header without a colon', H('GET / HTTP/1.1', 'Host: a', 'oops'), 'header line without a name'],
    ['an empty header name', H('GET / HTTP/1.1', 'Host: a', ': x'), 'header line without a name'],
    ['a NUL in a value', H('GET / HTTP/1.1', 'Host: a', 'X: a\x00b'), 'header value has a control byte'],
    ['a bare CR in a value', H('GET / HTTP/1.1', 'Host: a', 'X: a\rb'), 'header value has a control byte'],
    ['a bare LF in a value', H('GET / HTTP/1.1', 'Host: a', 'X: a\nb'), 'header value has a control byte'],
  ];
  for (const [name, head, reason] of outside) {
    it(`leaves ${name} to Node's parser (${reason})`, () => {
      assert.deepEqual(parseRequestHead(head), { outside: reason });
    });
  }

  it('leaves an oversized head and too many header lines to Node', () => {
    assert.deepEqual(parseRequestHead(H('GET / HTTP/1.1', 'Host: a', `X: ${'a'.repeat(MAX_HEAD_BYTES)}`)), {
      outside: 'head too large',
    });
    const many = Array.from({ length: 201 }, (_, i) => `X-${i}: 1`);
    assert.deepEqual(parseRequestHead(H('GET / HTTP/1.1', ...many)), { outside: 'too many header lines' });
  });
});

describe('parseResponseHead', () => {
  const framing = (head: string, method = 'GET') => {
    const r = parseResponseHead(head, method);
    return { framing: r.framing, close: r.close };
  };
  const golden: Array<[string, string, string, ReturnType<typeof framing>]> = [
    [
      'a length',
      H('HTTP/1.1 200 OK', 'Content-Length: 5'),
      'GET',
      { framing: { kind: 'length', length: 5 }, close: false },
    ],
    [
      'two equal lengths',
      H('HTTP/1.1 200 OK', 'Content-Length: 5', 'Content-Length: 5'),
      'GET',
      { framing: { kind: 'length', length: 5 }, close: false },
    ],
    [
      'chunked (any case)',
      H('HTTP/1.1 200 OK', 'Transfer-Encoding: Chunked'),
      'GET',
      { framing: { kind: 'chunked' }, close: false },
    ],
    [
      'neither: until the connection closes',
      H('HTTP/1.1 200 OK', 'X: 1'),
      'GET',
      { framing: { kind: 'close' }, close: true },
    ],
    [
      'Connection: close',
      H('HTTP/1.1 200 OK', 'Content-Length: 0', 'Connection: close'),
      'GET',
      { framing: { kind: 'length', length: 0 }, close: true },
    ],
    [
      'HTTP/1.0 without keep-alive',
      H('HTTP/1.0 200 OK', 'Content-Length: 2'),
      'GET',
      { framing: { kind: 'length', length: 2 }, close: true },
    ],
    [
      'HTTP/1.0 with keep-alive',
      H('HTTP/1.0 200 OK', 'Content-Length: 2', 'Connection: keep-alive'),
      'GET',
      { framing: { kind: 'length', length: 2 }, close: false },
    ],
    [
      "HEAD (the length is the GET body's)",
      H('HTTP/1.1 200 OK', 'Content-Length: 5'),
      'HEAD',
      { framing: { kind: 'length', length: 0 }, close: false },
    ],
    [
      '204',
      H('HTTP/1.1 204 No Content', 'Transfer-Encoding: chunked'),
      'GET',
      { framing: { kind: 'length', length: 0 }, close: false },
    ],
    [
      '304',
      H('HTTP/1.1 304 Not Modified', 'Content-Length: 9'),
      'GET',
      { framing: { kind: 'length', length: 0 }, close: false },
    ],
    ['a 1xx', H('HTTP/1.1 102 Processing'), 'GET', { framing: { kind: 'length', length: 0 }, close: false }],
  ];
  for (const [name, head, method, want] of golden) {
    it(`frames ${name}`, () => assert.deepEqual(framing(head, method), want));
  }

  it('keeps the status, the reason and the headers', () => {
    const r = parseResponseHead(H('HTTP/1.1 503 Service Unavailable', 'X-A: 1'), 'GET');
    assert.equal(r.status, 503);
    assert.equal(r.reason, 'Service Unavailable');
    assert.deepEqual(r.headers, [['x-a', '1']]);
    assert.equal(parseResponseHead('HTTP/1.1 200', 'GET').reason, '');
  });

  const refused: Array<[string, string, RegExp]> = [
    [
      'Content-Length with Transfer-Encoding',
      H('HTTP/1.1 200 OK', 'Content-Length: 5', 'Transfer-Encoding: chunked'),
      /both/,
    ],
    ['two different lengths', H('HTTP/1.1 200 OK', 'Content-Length: 5', 'Content-Length: 6'), /two content lengths/],
    ['a coding other than chunked alone', H('HTTP/1.1 200 OK', 'Transfer-Encoding: gzip, chunked'), /transfer coding/],
    [
      'chunked twice',
      H('HTTP/1.1 200 OK', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'),
      /transfer coding/,
    ],
    ['chunked in HTTP/1.0', H('HTTP/1.0 200 OK', 'Transfer-Encoding: chunked'), /HTTP\/1\.0/],
    ['a bad status line', H('HTTP/1.1 20 OK'), /status line/],
    ['HTTP/2 in the status line', H('HTTP/2 200 OK'), /status line/],
    ['a length that is not a number', H('HTTP/1.1 200 OK', 'Content-Length: 0x10'), /not a number/],
    ['obs-fold', H('HTTP/1.1 200 OK', 'X: a', ' b'), /without a name/],
    ['a CR in a value', H('HTTP/1.1 200 OK', 'X: a\rb'), /control/],
  ];
  for (const [name, head, message] of refused) {
    it(`refuses ${name} (MB0903)`, () => {
      assert.throws(
        () => parseResponseHead(head, 'GET'),
        (e: unknown) => e instanceof ResponseHeadError && e.code === 'MB0903' && message.test(e.message),
      );
    });
  }
});
