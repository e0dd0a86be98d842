/**
 * The one-time sign-in link of `local up` in a real Chromium on real local clusters: opening the printed URL signs
 * the browser in (HttpOnly, Secure, SameSite=Strict cookie), lands on the UI without the code in the address, and
 * the page shows both clusters with their regions without pasting anything. Opening the same URL again is refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, requireBrowserAndUi, spkiPinOf, type Browser } from './browser.js';
import { ensureBuilt } from '../local/process-support.js';
import { REPO_ROOT } from '../support/paths.js';

requireBrowserAndUi();

const BIN = join(REPO_ROOT, 'bin', 'meshbridge.js');
const base = process.env.MESHBRIDGE_HOME;
const home = mkdtempSync(join(base === undefined ? '/tmp' : base, 'mb-sign-in-'));
const env = {
  ...process.env,
  MESHBRIDGE_HOME: home,
  MESHBRIDGE_IP_BLOCK_BASE: process.env.MESHBRIDGE_IP_BLOCK_BASE ?? String(150 + Math.floor(Math.random() * 90)),
};
const meshbridge = (...args: string[]): string =>
  execFileSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });

let browser: Browser | undefined;
let signInUrl = '';
let output = '';

before(async () => {
  ensureBuilt();
  output = meshbridge('local', 'up');
  const line = output.split('\n').find((l) => l.startsWith('web UI (one-time sign-in link'));
  assert.ok(line !== undefined, `local up printed no sign-in link:\n${output}`);
  signInUrl = line.slice(line.lastIndexOf(' ') + 1);
  const { url, ca } = JSON.parse(readFileSync(join(home, 'mgmt.json'), 'utf8')) as { url: string; ca: string };
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
  browser = await launchBrowser({ trustSpki: [await spkiPinOf(url, ca)] });
});

after(async () => {
  await browser?.close();
  try {
    meshbridge('local', 'down');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('local up prints an https sign-in URL with a one-time code, and the code appears on no other line', () => {
  const m = /^https:\/\/127\.0\.0\.1:\d+\/ui\/sign-in\?code=([A-Za-z0-9_-]{43})$/.exec(signInUrl);
  assert.ok(m !== null, signInUrl);
  const code = m[1] ?? '';
  assert.equal(output.split(code).length - 1, 1, 'the code is printed once');
  const token = readFileSync(join(home, 'admin-token'), 'utf8').trim();
  assert.ok(!output.includes(token), 'the admin token is never printed');
  const controlLog = readFileSync(join(home, 'control', 'control.log'), 'utf8');
  assert.ok(!controlLog.includes(code) && !controlLog.includes(token), 'neither reaches the control log');
});

test('opening the link signs in and shows both clusters with their regions, nothing pasted', async () => {
  const page: Page = await browser!.context.newPage();
  const response = await page.goto(signInUrl);
  assert.equal(response?.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/ui/');
  assert.equal(new URL(page.url()).search, '', 'the code left the address bar');
  const cookies = await browser!.context.cookies(signInUrl);
  const session = cookies.find((c) => c.name === '__Host-mb-session');
  assert.ok(session !== undefined, JSON.stringify(cookies.map((c) => c.name)));
  assert.equal(session.httpOnly, true);
  assert.equal(session.secure, true);
  assert.equal(session.sameSite, 'Strict');
  await page.locator('#session[data-role="org-admin"]').waitFor({ timeout: 30_000 });
  const region = (c: string) => page.locator(`article[data-cluster="${c}"] dd[data-field="region"]`);
  await region('cluster-1').filter({ hasText: 'eu-west-2' }).waitFor({ timeout: 30_000 });
  await region('cluster-2').filter({ hasText: 'eu-west-1' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('#token').inputValue(), '', 'no token was pasted');
  await page.close();
});

test('opening the same link again is refused (401, MB9001) and sets no cookie', async () => {
  const fresh = await launchBrowser({ trustSpki: [await spkiPinOf(signInUrl, join(home, 'ca', 'root-cert.pem'))] });
  try {
    const page = await fresh.context.newPage();
    const response = await page.goto(signInUrl);
    assert.equal(response?.status(), 401);
    assert.match(await page.content(), /MB9001/);
    assert.deepEqual(
      (await fresh.context.cookies(signInUrl)).map((c) => c.name),
      [],
      'a refused code sets no session',
    );
  } finally {
    await fresh.close();
  }
});
