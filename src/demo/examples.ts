/**
 * Where the walkthrough finds its manifests: the package's own `examples/bookinfo` folder. Nothing outside the
 * package is read, so `meshbridge demo` behaves the same in a fresh clone, an installed package, or from any
 * working directory.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The example files the walkthrough applies, by role. Each is applied as it is, with no substitution. */
export const EXAMPLE_FILES = Object.freeze({
  bookinfo: 'bookinfo.yaml',
  sleep: 'sleep.yaml',
  eastWestGateway: 'eastwest-gateway.yaml',
  eastWestGatewayLocality: 'eastwest-gateway-locality.yaml',
  workspace: 'workspace.yaml',
  workspaceSetting: 'workspace-setting.yaml',
  reachabilityOneWay: 'reachability-one-way.yaml',
  reachabilityBoth: 'reachability-both.yaml',
});

/** A role of {@link EXAMPLE_FILES}. */
export type ExampleRole = keyof typeof EXAMPLE_FILES;

/**
 * The package's `examples/bookinfo`. This module sits at the same depth in `src/` and in the compiled `dist/`
 * (`<root>/{src,dist}/demo/examples.*`), so two levels up is the package root either way.
 */
export function packageExamplesDir(): string {
  return fileURLToPath(new URL('../../examples/bookinfo', import.meta.url));
}

/** Raised when the examples folder lacks files the walkthrough applies; names the folder and every missing file. */
export class ExamplesNotFound extends Error {
  readonly code = 'EXAMPLES_NOT_FOUND';
  constructor(
    readonly dir: string,
    readonly missing: readonly string[],
  ) {
    super(
      `the example manifests are not in ${dir} (missing: ${missing.join(', ')}); ` +
        'they ship with meshbridge under examples/bookinfo: use a complete checkout or package, or --examples DIR',
    );
    this.name = 'ExamplesNotFound';
  }
}

/**
 * Resolves an examples folder and checks that every file of {@link EXAMPLE_FILES} is a regular file in it, before
 * anything is started. Returns the absolute folder; throws {@link ExamplesNotFound} otherwise.
 */
export function checkExamplesDir(dir: string): string {
  const abs = resolve(dir);
  const missing = Object.values(EXAMPLE_FILES).filter((name) => {
    const file = join(abs, name);
    return !existsSync(file) || !statSync(file).isFile();
  });
  if (missing.length > 0) throw new ExamplesNotFound(abs, missing);
  return abs;
}
