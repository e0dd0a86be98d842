/**
 * Extensions meet the management plane's authentication: the real web UI module mounted through `publicRoutes`
 * serves its page without a token and checks tokens on its data routes with the management plane's own token
 * table, while a route that declares nothing elsewhere still needs a token.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { authenticate, issueToken } from '../../src/mgmt/auth/tokens.js';
import { publicRoutes } from '../../src/mgmt/extensions.js';
import { createLogger } from '../../src/mgmt/logger.js';
import { startMgmt } from '../../src/mgmt/start.js';
import { registerUi } from '../../src/mgmt/ui/register.js';
import { call } from './support/harness.js';

test('the UI mounted through publicRoutes loads without a token and checks tokens on its data routes', async () => {
  const home = mkdtempSync(join(tmpdir(), 'mb-ext-'));
  const uiDir = join(home, 'ui');
  mkdirSync(join(uiDir, 'dist'), { recursive: true });
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>meshbridge</title>');
  const topology = { source: 'scrape' as const, atMs: 1, windowMs: 10_000, edges: [], events: [], targets: [] };
  const running = await startMgmt({
    listen: '127.0.0.1:0',
    home,
    plainHttp: true,
    logger: createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
    ui: false,
    extensions: [
      publicRoutes((app, deps) =>
        registerUi(app, {
          topology: { topology: async () => topology },
          authenticate: (t) => authenticate(deps.store, t),
          uiDir,
        }),
      ),
      (app) => {
        app.get('/undeclared', async () => ({ ok: true }));
      },
    ],
  });
  try {
    const admin = readFileSync(join(home, 'admin-token'), 'utf8').trim();
    const reader = await issueToken({ store: running.deps.store, name: 'ui-reader', role: 'reader' });
    const page = await call(running.url, 'GET', '/ui/');
    assert.equal(page.status, 200);
    assert.match(page.text, /<title>meshbridge<\/title>/);
    assert.equal((await call(running.url, 'GET', '/ui/api/session')).status, 401);
    const session = await call(running.url, 'GET', '/ui/api/session', { token: reader });
    assert.deepEqual(session.json, { name: 'ui-reader', role: 'reader', canEdit: false });
    const adminSession = await call(running.url, 'GET', '/ui/api/session', { token: admin });
    assert.deepEqual(adminSession.json, { name: 'admin', role: 'org-admin', canEdit: true });
    assert.equal((await call(running.url, 'GET', '/undeclared')).status, 401, 'undeclared routes need a token');
    assert.equal((await call(running.url, 'GET', '/undeclared', { token: reader })).status, 200);
  } finally {
    await running.close();
    rmSync(home, { recursive: true, force: true });
  }
});
