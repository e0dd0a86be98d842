/**
 * Hostile request bodies against the real management API (real socket): each is refused with its status and
 * stable code, is audited once as a rejected attempt that never reached the apply handler, and leaves the store
 * exactly as it was. Also: `meshbridge apply -f` refuses an oversize file before sending a byte.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { call, org, startTestMgmt, tenant } from '../mgmt/support/harness.js';
import type { Reply, TestMgmt } from '../mgmt/support/harness.js';
import { ensureBuilt } from '../local/process-support.js';
import { REPO_ROOT } from '../support/paths.js';
import { auditedBy, storedState } from './support/mgmt-state.js';

let m: TestMgmt;
before(async () => {
  m = await startTestMgmt();
  const r = await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, body: { objects: [org('o')] } });
  assert.equal(r.status, 200, r.text);
});
after(async () => m?.close());

/** Sends `raw` to /v2/apply as the org admin; asserts nothing changed and one rejected, unparsed attempt audited. */
async function refused(raw: string): Promise<Reply> {
  const state = await storedState(m);
  let reply: Reply | undefined;
  const audit = await auditedBy(m, async () => {
    reply = await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, raw });
  });
  assert.equal(await storedState(m), state, 'the store is unchanged');
  assert.equal(audit.length, 1, 'audited once');
  assert.equal(audit[0]?.outcome, 'rejected');
  assert.equal(audit[0]?.target, '(unparsed request)', 'the apply handler never ran');
  return reply as Reply;
}

const body = (r: Reply) => r.json as { code: string; message: string; issues?: { code: string; path: string }[] };
const tenantText = (o: string, name: string) => JSON.stringify(tenant(o, name));

test('a body over 5 MiB is refused with 413 MB9010 and nothing is stored', async () => {
  const objects = [{ ...tenant('o', 'big'), spec: { pad: 'x'.repeat(5 * 1024 * 1024) } }];
  const r = await refused(JSON.stringify({ objects }));
  assert.equal(r.status, 413);
  assert.equal(body(r).code, 'MB9010');
});

test('a duplicate key is refused with 400 MB9011 at its line, column and path', async () => {
  const raw = `{"objects": [\n  {"apiVersion": "api.tsb.tetrate.io/v2", "kind": "Tenant",\n   "metadata": {"organization": "o", "name": "a", "name": "b"}}]}`;
  const r = await refused(raw);
  assert.equal(r.status, 400);
  assert.equal(body(r).code, 'MB9011');
  assert.equal(body(r).message, 'body:3:51 at objects[0].metadata.name: duplicate key "name"');
  assert.deepEqual(
    body(r).issues?.map((i) => [i.code, i.path]),
    [['MB0002', 'metadata.name']],
  );
});

test('a body nesting deeper than 100 levels is refused with 400 MB9011 (MB0004)', async () => {
  const deep = '['.repeat(200) + ']'.repeat(200);
  const r = await refused(`{"objects": [${tenantText('o', 'd').slice(0, -1)}, "spec": {"x": ${deep}}}]}`);
  assert.equal(r.status, 400);
  assert.equal(body(r).code, 'MB9011');
  assert.equal(body(r).issues?.[0]?.code, 'MB0004');
  assert.match(body(r).message, /nesting deeper than 100 levels/);
});

for (const [name, raw, path] of [
  ['__proto__ at the top level', `{"__proto__": {"polluted": 1}, "objects": [${tenantText('o', 'p1')}]}`, '__proto__'],
  [
    '__proto__ inside a document',
    `{"objects": [{"apiVersion": "api.tsb.tetrate.io/v2", "kind": "Tenant", "metadata": {"organization": "o", "name": "p2", "__proto__": {"polluted": 1}}}]}`,
    'objects[0].metadata.__proto__',
  ],
  [
    'constructor.prototype inside a spec',
    `{"objects": [{"apiVersion": "api.tsb.tetrate.io/v2", "kind": "Tenant", "metadata": {"organization": "o", "name": "p3"}, "spec": {"constructor": {"prototype": {"polluted": 1}}}}]}`,
    'objects[0].spec.constructor',
  ],
  ['prototype in a list item', `{"objects": [${tenantText('o', 'p4')}], "x": [{"prototype": 1}]}`, 'x[0].prototype'],
] as const) {
  test(`a polluting body (${name}) is refused with 422 MB9012 naming ${path}, and pollutes nothing`, async () => {
    const r = await refused(raw);
    assert.equal(r.status, 422);
    assert.equal(body(r).code, 'MB9012');
    assert.match(body(r).message, new RegExp(` at ${path.replace(/[[\].]/g, '\\$&')}: key "`));
    assert.equal(body(r).issues?.[0]?.code, 'MB0010');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const later = await call(m.url, 'GET', '/v2/objects', { token: m.adminToken });
    assert.equal(later.status, 200, 'a later request is served');
  });
}

test("meshbridge apply -f refuses a file over 5 MiB with validate's located error, sending nothing", async () => {
  ensureBuilt();
  let requests = 0;
  let bytes = 0;
  const counter = createServer((req, res) => {
    requests++;
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('end', () => res.end('{}'));
  });
  await new Promise<void>((r) => counter.listen(0, '127.0.0.1', r));
  try {
    const file = join(m.home, 'big.yaml');
    writeFileSync(
      file,
      `apiVersion: api.tsb.tetrate.io/v2\nkind: Tenant\nmetadata: {organization: o, name: big}\nspec:\n  pad: ${'x'.repeat(5 * 1024 * 1024)}\n`,
    );
    const server = `http://127.0.0.1:${(counter.address() as AddressInfo).port}`;
    const bin = join(REPO_ROOT, 'bin', 'meshbridge.js');
    const tokenFile = join(m.home, 'admin-token');
    const apply = spawnSync(
      process.execPath,
      [bin, 'apply', '-f', file, '--server', server, '--token-file', tokenFile],
      {
        encoding: 'utf8',
      },
    );
    const validate = spawnSync(process.execPath, [bin, 'validate', '-f', file], { encoding: 'utf8' });
    assert.equal(apply.status, 1);
    assert.equal(validate.status, 1);
    const located = `${file}:1:1 error [MB0005] input is 5242881 bytes; the limit is 5242880`;
    assert.ok(validate.stdout.includes(located), validate.stdout);
    assert.equal(apply.stderr, `meshbridge: ${located}\n`);
    assert.equal(requests, 0, 'no request reached the server');
    assert.equal(bytes, 0);
  } finally {
    counter.close();
  }
});
