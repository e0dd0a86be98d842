import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseProtocol,
  decodeClientMessage,
  encodeFrame,
  exitCodeOf,
  finalStatus,
  offeredProtocols,
  parseExecQuery,
  type ExecOutcome,
} from './exec-protocol.js';
import { ApiError } from './status.js';

test('the preferred served subprotocol wins whatever order the client offers them in', () => {
  const cases: Array<[string | undefined, string | undefined]> = [
    ['v5.channel.k8s.io', 'v5.channel.k8s.io'],
    ['v4.channel.k8s.io, v5.channel.k8s.io', 'v5.channel.k8s.io'],
    ['v4.channel.k8s.io,channel.k8s.io', 'v4.channel.k8s.io'],
    ['base64.channel.k8s.io, v3.channel.k8s.io', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [header, want] of cases) assert.equal(chooseProtocol(offeredProtocols(header)), want, String(header));
});

test('an exec query decodes as client-go encodes PodExecOptions (false flags omitted)', () => {
  const q = new URLSearchParams('command=curl&command=-s&command=a b&container=sleep&stdout=true&stderr=true');
  assert.deepEqual(parseExecQuery(q), {
    command: ['curl', '-s', 'a b'],
    container: 'sleep',
    stdin: false,
    stdout: true,
    stderr: true,
  });
  assert.equal(parseExecQuery(new URLSearchParams('command=cat&stdin=1')).stdin, true);
});

test('bad exec queries are BadRequest with a message saying what is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['stdout=true', /at least 1 command/],
    ['command=&stdout=true', /at least 1 command/],
    [`${'command=x&'.repeat(257)}stdout=true`, /257 arguments; at most 256/],
    [`command=${'x'.repeat(70_000)}&stdout=true`, /70000 bytes; at most 65536/],
    ['command=a%00b&stdout=true', /NUL/],
    ['command=sh&stdin=true&tty=true', /TTY is not supported/],
    ['command=true', /at least 1 of stdin, stdout, stderr/],
  ];
  for (const [query, message] of cases) {
    assert.throws(
      () => parseExecQuery(new URLSearchParams(query)),
      (err: unknown) => err instanceof ApiError && err.reason === 'BadRequest' && message.test(err.message),
      query.slice(0, 60),
    );
  }
});

test('client messages: stdin data, v5 close signal, resize ignored, anything else invalid', () => {
  assert.deepEqual(decodeClientMessage(Buffer.from([0, 104, 105]), 'v5.channel.k8s.io'), {
    type: 'stdin',
    data: Buffer.from('hi'),
  });
  assert.deepEqual(decodeClientMessage(Buffer.from([255, 0]), 'v5.channel.k8s.io'), { type: 'close', channel: 0 });
  assert.equal(decodeClientMessage(Buffer.from([255, 0]), 'v4.channel.k8s.io').type, 'invalid');
  assert.equal(decodeClientMessage(Buffer.from([255, 0, 1]), 'v5.channel.k8s.io').type, 'invalid');
  assert.equal(decodeClientMessage(Buffer.from('\x04{"Width":80,"Height":24}'), 'v5.channel.k8s.io').type, 'resize');
  assert.equal(decodeClientMessage(Buffer.from([1, 65]), 'v5.channel.k8s.io').type, 'invalid');
  assert.equal(decodeClientMessage(Buffer.alloc(0), 'v5.channel.k8s.io').type, 'invalid');
  assert.deepEqual(encodeFrame(2, 'ab'), Buffer.from([2, 97, 98]));
});

test('the final Status: Success for 0, NonZeroExitCode with an ExitCode cause otherwise', () => {
  const cases: Array<[ExecOutcome, number, string | undefined]> = [
    [{ type: 'exited', code: 0 }, 0, undefined],
    [{ type: 'exited', code: 7 }, 7, 'command terminated with non-zero exit code: exit status 7'],
    [{ type: 'signaled', signal: 'SIGKILL' }, 137, 'command terminated by signal SIGKILL'],
    [{ type: 'signaled', signal: 'SIGTERM' }, 143, 'command terminated by signal SIGTERM'],
    [{ type: 'not-started', code: 127, message: 'not found' }, 127, 'not found'],
  ];
  for (const [outcome, code, message] of cases) {
    assert.equal(exitCodeOf(outcome), code);
    const status = finalStatus(outcome);
    if (code === 0) {
      assert.deepEqual(status, { metadata: {}, status: 'Success' });
      continue;
    }
    assert.deepEqual(status, {
      metadata: {},
      status: 'Failure',
      message,
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
    });
  }
});
