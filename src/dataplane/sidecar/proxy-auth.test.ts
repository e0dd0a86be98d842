import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkProxyAuthorization,
  isValidProxySecret,
  MAX_PROXY_AUTHORIZATION_LENGTH,
  newProxySecret,
  proxyAuthorization,
} from './proxy-auth.js';

const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

describe('outbound proxy credential', () => {
  const secret = newProxySecret();

  it('generates 43-character URL-safe secrets, a new one each time', () => {
    assert.equal(secret.length, 43);
    assert.ok(isValidProxySecret(secret));
    assert.notEqual(newProxySecret(), secret);
  });

  it('accepts Basic with the secret as password, whatever the user part', () => {
    assert.deepEqual(checkProxyAuthorization(basic(`sleep-1:${secret}`), secret), { ok: true });
    assert.deepEqual(checkProxyAuthorization(basic(`:${secret}`), secret), { ok: true });
    assert.deepEqual(checkProxyAuthorization(`basic ${basic(`x:${secret}`).slice(6)}`, secret), { ok: true });
  });

  it('refuses a missing, repeated, oversized, non-Basic or colon-less header, and a wrong secret', () => {
    const cases: [string | string[] | undefined, string][] = [
      [undefined, 'missing'],
      ['', 'missing'],
      [[basic(`a:${secret}`), basic(`a:${secret}`)], 'malformed'],
      [`Basic ${'A'.repeat(MAX_PROXY_AUTHORIZATION_LENGTH)}`, 'too-long'],
      [`Bearer ${secret}`, 'malformed'],
      ['Basic !!!', 'malformed'],
      [basic(secret), 'malformed'],
      [basic(`sleep-1:${secret.slice(1)}`), 'wrong'],
      [basic(`sleep-1:${secret}x`), 'wrong'],
      [basic(`${secret}:`), 'wrong'],
    ];
    for (const [header, reason] of cases)
      assert.deepEqual(checkProxyAuthorization(header, secret), { ok: false, reason }, JSON.stringify(header));
  });

  it('derives the header from proxy URL userinfo as curl does, and none without userinfo', () => {
    assert.equal(proxyAuthorization(new URL(`http://sleep-1:${secret}@127.1.0.7:15001`)), basic(`sleep-1:${secret}`));
    assert.equal(proxyAuthorization(new URL('http://127.1.0.7:15001')), undefined);
  });
});
