import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const PRELOAD = fileURLToPath(new URL('../../../dist/local/runner/cluster-dns.js', import.meta.url));

test('preloaded into a process, the resolver answers dns.lookup, net and fetch for Service names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-cluster-dns-'));
  try {
    const file = join(dir, 'dns.json');
    writeFileSync(file, JSON.stringify({ 'api.meshbridge.svc.cluster.local': ['127.0.0.1'] }));
    const script = `
      import dns from 'node:dns';
      import { lookup } from 'node:dns/promises';
      import { createServer } from 'node:http';
      const server = createServer((q, s) => s.end('ok ' + q.headers.host)).listen(0, '127.0.0.1', async () => {
        const port = server.address().port;
        const a = await new Promise((r) => dns.lookup('api.meshbridge.svc', (e, ip) => r(e ? String(e) : ip)));
        const b = (await lookup('api', { all: false }).catch(() => ({ address: 'promises-not-patched' }))).address;
        const c = await (await fetch('http://api.meshbridge.svc:' + port + '/')).text();
        console.log(JSON.stringify({ a, b, c }));
        server.close();
      });`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', PRELOAD, '--input-type=module', '-e', script],
      { env: { ...process.env, MESHBRIDGE_CLUSTER_DNS: file, POD_NAMESPACE: 'meshbridge' } },
    );
    const out = JSON.parse(stdout) as { a: string; b: string; c: string };
    assert.equal(out.a, '127.0.0.1');
    assert.match(out.c, /^ok api\.meshbridge\.svc:\d+$/);
    assert.equal(out.b, '127.0.0.1', 'dns/promises resolves the search path too');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
