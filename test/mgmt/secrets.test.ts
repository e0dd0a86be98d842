/**
 * Canary test: real tokens (the admin token, an issued token) and a canary string presented as a token never appear
 * in any response, log line, audit record or the database file, whatever the request does (success, 401, 403,
 * 400, unparsable JSON, unknown route).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { call, org, startTestMgmt, tenant, tokenFor, workspace } from './support/harness.js';

test('no token or canary secret appears in responses, logs, audit records or the store', async () => {
  const m = await startTestMgmt();
  try {
    const admin = m.adminToken;
    const reader = await tokenFor(m, 'canary-reader', 'reader');
    const canary = 'mbt_CANARY0d9f8e7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0';
    const secrets = [admin, reader, canary];
    const replies: string[] = [];
    const send = async (method: string, path: string, token: string | undefined, body?: unknown, raw?: string) => {
      const r = await call(m.url, method, path, {
        ...(token === undefined ? {} : { token }),
        ...(body === undefined ? {} : { body }),
        ...(raw === undefined ? {} : { raw }),
      });
      replies.push(`${r.status} ${r.text}`);
      return r;
    };
    assert.equal((await send('POST', '/v2/apply', admin, { objects: [org('o'), tenant('o', 't')] })).status, 200);
    assert.equal((await send('POST', '/v2/apply', canary, { objects: [org('x')] })).status, 401);
    assert.equal((await send('GET', '/v2/objects', canary)).status, 401);
    assert.equal((await send('POST', '/v2/apply', reader, { objects: [workspace('o', 't', 'w')] })).status, 403);
    assert.equal(
      (await send('POST', '/v2/apply', admin, { objects: [{ kind: 'Tenant', token: canary }] })).status,
      400,
    );
    assert.equal((await send('POST', '/v2/apply', admin, undefined, `{"objects": [${canary}`)).status, 400);
    assert.equal((await send('GET', `/v2/nothing/${canary}`, admin)).status, 404);
    assert.equal((await send('GET', '/v2/snapshot', reader)).status, 200);
    assert.equal((await send('GET', '/openapi.json', undefined)).status, 200);
    const audit = JSON.stringify(await m.running.deps.store.listAudit());
    const logs = m.logs.join('');
    assert.ok(logs.includes('incoming request'), 'request logging is on, so the check below is meaningful');
    for (const secret of [admin, reader]) {
      for (const [what, text] of [
        ['responses', replies.join('\n')],
        ['logs', logs],
        ['audit', audit],
      ] as const) {
        assert.ok(!text.includes(secret), `a real token leaked into ${what}`);
      }
    }
    // The canary went into Authorization headers and bodies (never echoed) and once into a URL path, which the 404
    // reply and the request log repeat because the client itself typed it there.
    const notUrlEchoes = replies.filter((r) => !r.startsWith('404 '));
    assert.ok(!notUrlEchoes.join('\n').includes(canary), 'the canary leaked into a response');
    assert.ok(!audit.includes(canary), 'the canary leaked into the audit log');
    const logLinesWithCanary = m.logs.filter((l) => l.includes(canary));
    assert.ok(
      logLinesWithCanary.every((l) => l.includes(`/v2/nothing/${canary}`)),
      `the canary leaked into a log line: ${logLinesWithCanary.join('')}`,
    );
    const stateFiles = readdirSync(m.home).filter((f) => statSync(join(m.home, f)).isFile() && f !== 'admin-token');
    assert.ok(
      stateFiles.some((f) => f.startsWith('mgmt.db')),
      'the SQLite store is in the home',
    );
    for (const f of stateFiles) {
      const bytes = readFileSync(join(m.home, f)).toString('latin1');
      for (const secret of secrets) assert.ok(!bytes.includes(secret), `${f} holds a token in clear`);
    }
    const mode = statSync(join(m.home, 'admin-token')).mode & 0o777;
    assert.equal(mode, 0o600, 'the admin token file is readable by its owner only');
  } finally {
    await m.close();
  }
});
