/**
 * The web UI's sign-in against the real management API (real socket): a code works once, an expired code is
 * refused, and a browser-session write without the CSRF header is refused and audited, storing nothing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, org, startTestMgmt, tenant } from '../mgmt/support/harness.js';
import type { TestMgmt } from '../mgmt/support/harness.js';
import { SignIn } from '../../src/mgmt/auth/sign-in.js';
import { auditedBy, storedState } from './support/mgmt-state.js';

let m: TestMgmt;
before(async () => {
  m = await startTestMgmt();
  assert.equal(
    (await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, body: { objects: [org('o')] } })).status,
    200,
  );
});
after(async () => m?.close());

async function newCodePath(): Promise<string> {
  const r = await call(m.url, 'POST', '/v2/sign-in-codes', { token: m.adminToken });
  assert.equal(r.status, 200, r.text);
  return (r.json as { path: string }).path;
}

/** Opens a sign-in path as a browser would (no redirect following). */
async function open(
  path: string,
): Promise<{ status: number; cookie: string | null; location: string | null; text: string }> {
  const res = await fetch(`${m.url}${path}`, { redirect: 'manual' });
  return {
    status: res.status,
    cookie: res.headers.get('set-cookie'),
    location: res.headers.get('location'),
    text: await res.text(),
  };
}

test('a sign-in code opens one session; reusing it is refused with 401 MB9001 and no cookie', async () => {
  const path = await newCodePath();
  const first = await open(path);
  assert.equal(first.status, 303);
  assert.equal(first.location, '/ui/');
  assert.match(
    first.cookie ?? '',
    /^__Host-mb-session=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=\d+$/,
  );
  const again = await open(path);
  assert.equal(again.status, 401);
  assert.equal(again.cookie, null);
  assert.equal((JSON.parse(again.text) as { code: string }).code, 'MB9001');
  assert.ok(!m.logs.join('').includes(path.split('code=')[1] ?? '-'), 'the code never reaches a log line');
});

test('an expired sign-in code is refused with 401 MB9001 and no cookie', async () => {
  let now = 1_000_000;
  const signIn = new SignIn(m.running.deps.store, { codeTtlMs: 60_000, now: () => now });
  const { code } = await signIn.issueCode({ name: 'admin', role: 'org-admin', scope: {} });
  now += 60_001;
  assert.equal(await signIn.redeem(code), undefined, 'the table refuses it');
  // Against the server: a code past its expiry (the server's own table, its clock moved by a real wait).
  const short = await startTestMgmtWithCodeTtl(50);
  try {
    const r = await call(short.url, 'POST', '/v2/sign-in-codes', { token: short.adminToken });
    await new Promise((res) => setTimeout(res, 120));
    const res = await fetch(`${short.url}${(r.json as { path: string }).path}`, { redirect: 'manual' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.equal(((await res.json()) as { code: string }).code, 'MB9001');
  } finally {
    await short.close();
  }
});

test('a browser-session write without the CSRF header is refused with 403 MB9014, audited, nothing stored', async () => {
  const first = await open(await newCodePath());
  const cookie = (first.cookie ?? '').split(';')[0] ?? '';
  const session = await fetch(`${m.url}/ui/api/session`, { headers: { cookie } });
  assert.equal(session.status, 200);
  const { csrf } = (await session.json()) as { csrf: string };
  assert.match(csrf, /^[\w-]{43}$/);
  const write = (headers: Record<string, string>) =>
    fetch(`${m.url}/v2/apply`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ objects: [tenant('o', 'from-ui')] }),
    });
  const state = await storedState(m);
  let status = 0;
  let code = '';
  const audit = await auditedBy(m, async () => {
    const res = await write({});
    status = res.status;
    code = ((await res.json()) as { code: string }).code;
  });
  assert.equal(status, 403);
  assert.equal(code, 'MB9014');
  assert.deepEqual(
    audit.map((a) => [a.actor, a.outcome]),
    [['admin', 'denied']],
  );
  assert.equal(await storedState(m), state, 'nothing stored');
  const wrong = await write({ 'x-meshbridge-csrf': 'x'.repeat(43) });
  assert.equal(wrong.status, 403, 'a wrong CSRF value is refused too');
  // The same write with the session's header goes through: the header is what was missing.
  const ok = await write({ 'x-meshbridge-csrf': csrf });
  assert.equal(ok.status, 200, await ok.text());
});

/** A management plane whose sign-in codes expire after `ttlMs`. */
async function startTestMgmtWithCodeTtl(ttlMs: number): Promise<TestMgmt> {
  return startTestMgmt({ signIn: { codeTtlMs: ttlMs } });
}
