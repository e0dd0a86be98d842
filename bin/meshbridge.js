#!/usr/bin/env node
// Entry point for `npx meshbridge`: runs the compiled CLI (built by `npm ci` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('meshbridge: the compiled CLI is missing; run `npm ci` (or `npm run build`) first\n');
  process.exit(2);
}
await import(main);
