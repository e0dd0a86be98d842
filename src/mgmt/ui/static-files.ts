/**
 * The UI's static files: ui/index.html, ui/style.css, the compiled browser modules in ui/dist and cytoscape's
 * ES module from node_modules. Only names from a fixed pattern are served, so no request can walk out of these
 * folders.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file to send. */
export interface StaticFile {
  body: Buffer;
  type: string;
}

// src/mgmt/ui or dist/mgmt/ui: the repository root is three levels up either way.
const DEFAULT_UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'ui');

/** Where cytoscape's ES module build lives (resolved like any dependency, so a hoisted install works too). */
export function cytoscapeModulePath(): string {
  const main = createRequire(import.meta.url).resolve('cytoscape');
  return join(dirname(main), 'cytoscape.esm.min.mjs');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Resolves a request path under /ui/ to a file, or undefined for anything not served. */
export function staticPathFor(path: string, uiDir = DEFAULT_UI_DIR): string | undefined {
  if (path === '' || path === 'index.html') return join(uiDir, 'index.html');
  if (path === 'style.css') return join(uiDir, 'style.css');
  if (path === 'vendor/cytoscape.esm.min.mjs') return cytoscapeModulePath();
  const m = /^dist\/([a-z0-9-]+\.js(?:\.map)?)$/.exec(path);
  return m ? join(uiDir, 'dist', m[1]!) : undefined;
}

/** Reads a static file; undefined when it is not served or missing. */
export async function readStatic(path: string, uiDir?: string): Promise<StaticFile | undefined> {
  const file = staticPathFor(path, uiDir);
  if (file === undefined) return undefined;
  const ext = /\.[a-z]+$/.exec(file)?.[0] ?? '';
  try {
    return { body: await readFile(file), type: TYPES[ext] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}
