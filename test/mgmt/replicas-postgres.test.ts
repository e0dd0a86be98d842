/**
 * Two management-plane replicas over one PostgreSQL database, as `meshbridge install` runs them: each serves what
 * the other wrote, a web UI sign-in code issued by one is redeemed on the other exactly once, a browser session
 * opened on one works (reads and CSRF-checked writes) on the other, and a replica that starts with an empty home
 * keeps the admin token the first one issued instead of replacing it.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { createLogger } from '../../src/mgmt/logger.js';
import { startMgmt } from '../../src/mgmt/start.js';
import { call, org, startTestMgmt, tenant } from './support/harness.js';
import type { TestMgmt } from './support/harness.js';
import { startTestPostgres } from './support/postgres.js';
import type { TestPostgres } from './support/postgres.js';

let pg: TestPostgres;
let a: TestMgmt;
let b: TestMgmt;
let dbUrl = '';

before(async () => {
  pg = await startTestPostgres();
  dbUrl = await pg.createDatabase();
  a = await startTestMgmt({ store: dbUrl });
  // Replica B gets the same admin token file, as pods mounting one Secret would.
  const homeB = mkdtempSync(join(tmpdir(), 'mb-mgmt-b-'));
  copyFileSync(join(a.home, 'admin-token'), join(homeB, 'admin-token'));
  b = await startTestMgmt({ store: dbUrl, home: homeB });
});
after(async () => {
  await b?.close();
  await a?.close();
  await pg?.stop();
});

test('each replica serves what the other wrote', async () => {
  const put = await call(a.url, 'POST', '/v2/apply', {
    token: a.adminToken,
    body: { objects: [org('o'), tenant('o', 't1')] },
  });
  assert.equal(put.status, 200, put.text);
  const read = await call(b.url, 'GET', '/v2/objects/Tenant/o/t1', { token: b.adminToken });
  assert.equal(read.status, 200, read.text);
  const put2 = await call(b.url, 'POST', '/v2/apply', { token: b.adminToken, body: { objects: [tenant('o', 't2')] } });
  assert.equal(put2.status, 200, put2.text);
  assert.equal((await call(a.url, 'GET', '/v2/objects/Tenant/o/t2', { token: a.adminToken })).status, 200);
});

test('a sign-in code from one replica opens a session on the other, once; the session works on both', async () => {
  const issued = await call(a.url, 'POST', '/v2/sign-in-codes', { token: a.adminToken });
  assert.equal(issued.status, 200, issued.text);
  const path = (issued.json as { path: string }).path;
  const onB = await fetch(`${b.url}${path}`, { redirect: 'manual' });
  assert.equal(onB.status, 303, await onB.text());
  const cookie = (onB.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  assert.match(cookie, /^__Host-mb-session=[\w-]{43}$/);
  const again = await fetch(`${a.url}${path}`, { redirect: 'manual' });
  assert.equal(again.status, 401, 'the code was used on the other replica');
  assert.equal(again.headers.get('set-cookie'), null);

  for (const replica of [a, b]) {
    const s = await fetch(`${replica.url}/ui/api/session`, { headers: { cookie } });
    assert.equal(s.status, 200, `the session opened on B is valid on ${replica === a ? 'A' : 'B'}`);
  }
  const { csrf } = (await (await fetch(`${a.url}/ui/api/session`, { headers: { cookie } })).json()) as { csrf: string };
  const write = await fetch(`${a.url}/v2/apply`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'x-meshbridge-csrf': csrf },
    body: JSON.stringify({ objects: [tenant('o', 'from-ui')] }),
  });
  assert.equal(write.status, 200, await write.text());
  const noCsrf = await fetch(`${b.url}/v2/apply`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ objects: [tenant('o', 'no-csrf')] }),
  });
  assert.equal(noCsrf.status, 403, 'the CSRF check holds on the other replica too');
});

test('a replica started with an empty home keeps the admin token in the store', async () => {
  const homeC = mkdtempSync(join(tmpdir(), 'mb-mgmt-c-'));
  // Started directly: the test harness expects an admin-token file in the home, which this replica must not write.
  const logs: string[] = [];
  const c = await startMgmt({
    listen: '127.0.0.1:0',
    home: homeC,
    plainHttp: true,
    store: dbUrl,
    logger: createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _e, cb) {
          logs.push(chunk.toString());
          cb();
        },
      }),
    }),
  });
  try {
    assert.equal(existsSync(join(homeC, 'admin-token')), false, 'no second admin token was issued');
    assert.ok(logs.some((l) => l.includes('the store already holds the admin token')));
    const stillValid = await call(c.url, 'GET', '/v2/objects/Tenant/o/t1', { token: a.adminToken });
    assert.equal(stillValid.status, 200, 'the first replica’s admin token still works, on the new replica too');
  } finally {
    await c.close();
  }
});
