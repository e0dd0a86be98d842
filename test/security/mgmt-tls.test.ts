/**
 * The management plane's transport: HTTPS by default, plain HTTP only when asked for and only on loopback, and a
 * client that does not trust the server's CA gets no answer (the server sees no HTTP request at all).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { createRootCA } from '../../src/identity/index.js';
import { createLogger } from '../../src/mgmt/logger.js';
import { startMgmt } from '../../src/mgmt/start.js';
import type { RunningMgmt } from '../../src/mgmt/start.js';
import { mgmtFetch } from '../../src/mgmt/tls/client-fetch.js';
import { localServingTls } from '../../src/mgmt/tls/local-cert.js';
import { TransportError } from '../../src/mgmt/tls/transport.js';
import { ensureBuilt } from '../local/process-support.js';
import { REPO_ROOT } from '../support/paths.js';

const home = mkdtempSync(join(tmpdir(), 'mb-sec-tls-'));
const quiet = () => createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const BIN = join(REPO_ROOT, 'bin', 'meshbridge.js');
let mgmt: RunningMgmt;
let caFile: string;
let requests = 0;

before(async () => {
  ensureBuilt();
  const local = await localServingTls(home, '127.0.0.1');
  caFile = local.caFile;
  mgmt = await startMgmt({ listen: '127.0.0.1:0', home, tls: local.tls, caFile, logger: quiet() });
  // Counts every HTTP request that got past TLS: a refused handshake never becomes one.
  mgmt.app.server.on('request', () => requests++);
});
after(async () => {
  await mgmt?.close();
  rmSync(home, { recursive: true, force: true });
});

test('plain HTTP off loopback is refused with a clear error, before anything listens', async () => {
  await assert.rejects(
    startMgmt({ listen: '0.0.0.0:0', home: join(home, 'plain'), plainHttp: true, logger: quiet() }),
    (err: unknown) => err instanceof TransportError && /--plain-http is refused on 0\.0\.0\.0/.test(err.message),
  );
  const cli = spawnSync(
    process.execPath,
    [BIN, 'server', '--listen', '0.0.0.0:0', '--plain-http', '--home', join(home, 'plain-cli')],
    { encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /^meshbridge: --plain-http is refused on 0\.0\.0\.0: plain HTTP would carry tokens/);
});

test('a server without a certificate and without --plain-http does not start', async () => {
  await assert.rejects(
    startMgmt({ listen: '127.0.0.1:0', home: join(home, 'none'), logger: quiet() }),
    (err: unknown) => err instanceof TransportError && /serves HTTPS: give --tls-cert/.test(err.message),
  );
});

test('the server answers over HTTPS to a client trusting the home CA', async () => {
  assert.match(mgmt.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const res = await mgmtFetch(readFileSync(caFile, 'utf8'))(`${mgmt.url}/healthz`);
  assert.equal(res.status, 200);
});

test('a client with a wrong CA fails the handshake and no request reaches the server', async () => {
  const before = requests;
  const other = await createRootCA({ commonName: 'some other CA' });
  await assert.rejects(mgmtFetch(other.certPem)(`${mgmt.url}/healthz`), (err: unknown) => {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? '';
    return /CERT|SIGNATURE|UNABLE_TO_VERIFY/.test(code);
  });
  // The CLI with the wrong CA file names the problem.
  const wrong = join(home, 'wrong-ca.pem');
  writeFileSync(wrong, other.certPem);
  // Asynchronously: the server runs in this process and must keep answering.
  const cli = await promisify(execFile)(process.execPath, [BIN, 'get', 'organizations', '--ca-file', wrong], {
    encoding: 'utf8',
    env: { ...process.env, MESHBRIDGE_HOME: home },
    timeout: 30_000,
  }).then(
    () => ({ status: 0, stderr: '' }),
    (err: { code?: number; stderr?: string }) => ({ status: err.code, stderr: err.stderr ?? '' }),
  );
  assert.equal(cli.status, 1, cli.stderr);
  assert.match(cli.stderr, /presented a certificate that does not verify/);
  // A plain-HTTP client gets no HTTP answer either.
  await assert.rejects(fetch(mgmt.url.replace('https:', 'http:') + '/healthz'));
  assert.equal(requests, before, 'no HTTP request reached the application');
});
