import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LIMITS, httpServerOptions, readLimits } from './limits.js';

test('absent or empty settings give the defaults', () => {
  const problems: string[] = [];
  assert.deepEqual(readLimits({ MB_MAX_CONNECTIONS: '' }, problems), DEFAULT_LIMITS);
  assert.deepEqual(problems, []);
});

test('each setting overrides its limit', () => {
  const problems: string[] = [];
  const l = readLimits(
    { MB_HEADERS_TIMEOUT_MS: '1000', MB_REQUEST_TIMEOUT_MS: '2000', MB_MAX_CONNECTIONS: '7' },
    problems,
  );
  assert.deepEqual(problems, []);
  assert.equal(l.headersTimeoutMs, 1000);
  assert.equal(l.requestTimeoutMs, 2000);
  assert.equal(l.maxConnections, 7);
  assert.equal(l.idleTimeoutMs, DEFAULT_LIMITS.idleTimeoutMs);
});

test('zero, negative, fractional, huge or non-numeric values are each a located problem', () => {
  const problems: string[] = [];
  readLimits(
    {
      MB_HEADERS_TIMEOUT_MS: '0',
      MB_REQUEST_TIMEOUT_MS: '-5',
      MB_IDLE_TIMEOUT_MS: '1.5',
      MB_HANDSHAKE_TIMEOUT_MS: '99999999999',
      MB_MAX_CONNECTIONS: 'lots',
    },
    problems,
  );
  assert.equal(problems.length, 5);
  for (const name of ['HEADERS', 'REQUEST', 'IDLE', 'HANDSHAKE']) {
    assert.ok(
      problems.some((p) => p.startsWith(`MB_${name}_TIMEOUT_MS=`)),
      name,
    );
  }
  assert.ok(problems.some((p) => p.startsWith('MB_MAX_CONNECTIONS=lots')));
});

test('a headers timeout above the request timeout is refused (Node requires headers <= request)', () => {
  const problems: string[] = [];
  readLimits({ MB_HEADERS_TIMEOUT_MS: '5000', MB_REQUEST_TIMEOUT_MS: '1000' }, problems);
  assert.match(problems.join(), /MB_HEADERS_TIMEOUT_MS=5000 exceeds MB_REQUEST_TIMEOUT_MS=1000/);
});

test('the HTTP server options switch every timeout on (none is 0)', () => {
  const o = httpServerOptions(DEFAULT_LIMITS);
  assert.equal(o.headersTimeout, 10_000);
  assert.equal(o.requestTimeout, 30_000);
  assert.equal(o.keepAliveTimeout, 5_000);
  assert.ok((o.connectionsCheckingInterval ?? 0) > 0 && (o.connectionsCheckingInterval ?? 0) <= 1000);
});
