/**
 * Headless Chromium for the UI suites: Debian's chromium driven by playwright-core, with the flags this machine
 * needs (no sandbox as root, no background networking on a closed network) and a fresh profile per run. Fails
 * loudly when Chromium or the compiled UI is missing: CI installs one and `npm run build` makes the other.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:tls';
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

/**
 * The Chromium pin (base64 SHA-256 of the public key) of the certificate an HTTPS server presents, after checking
 * that the certificate verifies against `caFile` for the URL's host: the browser then trusts that one key, the way
 * a user who installed the home's CA would trust the server, and nothing else.
 */
export async function spkiPinOf(url: string, caFile: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const pem = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca: readFileSync(caFile, 'utf8') }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(new X509Certificate(raw).toString());
    });
    socket.once('error', reject);
  });
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** Options of `launchBrowser`. */
export interface LaunchOptions {
  /** Public-key pins (spkiPinOf) of HTTPS servers to trust. */
  trustSpki?: readonly string[];
}

/** Launches headless Chromium with a fresh profile and a tall viewport (the UI's panes stack vertically). */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'mb-chromium-'));
  const pins = options.trustSpki ?? [];
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
      ...(pins.length > 0 ? [`--ignore-certificate-errors-spki-list=${pins.join(',')}`] : []),
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
