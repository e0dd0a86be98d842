/**
 * Headless Chromium for the UI suites: Debian's chromium driven by playwright-core, with the flags this machine
 * needs (no sandbox as root, no background networking on a closed network) and a fresh profile per run. Fails
 * loudly when Chromium or the compiled UI is missing: CI installs one and `npm run build` makes the other.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { REPO_ROOT } from '../support/paths.js';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** Throws a clear error when Chromium or the built UI is missing. */
export function requireBrowserAndUi(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set CHROMIUM_BIN`,
    );
  }
  if (!existsSync(join(REPO_ROOT, 'ui', 'dist', 'main.js'))) {
    throw new Error('ui/dist/main.js is missing: run npm run build (it compiles ui/ too)');
  }
}

/** A running browser with its own profile; `close()` ends it and removes the profile. */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile and a tall viewport (the UI's panes stack vertically). */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'mb-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1400, height: 1800 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
