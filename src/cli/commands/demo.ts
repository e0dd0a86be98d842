/**
 * `meshbridge demo`: the seed walkthrough on fresh local clusters, every step printed and checked. It keeps its
 * state in its own folder (`$MESHBRIDGE_HOME/demo`, default `./.meshbridge/demo`), wiped at the start, so it never
 * touches clusters a user started with `local up`.
 */
import type { Command } from 'commander';
import { accessSync, constants, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { checkExamplesDir, packageExamplesDir } from '../../demo/examples.js';
import { Runner } from '../../demo/runner.js';
import { StepFailed, Walkthrough } from '../../demo/walkthrough.js';
import { signInUrl } from './sign-in-url.js';
import { meshbridgeHome } from '../../local/config.js';

/** The absolute path of an executable on PATH, if any. */
function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** How to reach what `--keep` leaves running. */
async function printKept(home: string, print: (line: string) => void): Promise<void> {
  print('the clusters, bookinfo and the management plane are still running:');
  try {
    const signIn = await signInUrl(home);
    print(`  web UI (one-time sign-in link, valid until ${signIn.expiresAt}): ${signIn.url}`);
  } catch (err) {
    print(`  web UI: no sign-in link (${err instanceof Error ? err.message : String(err)})`);
  }
  print(`  export MESHBRIDGE_HOME=${home}`);
  print(`  kubectl --kubeconfig ${join(home, 'kubeconfig')} --context cluster-1 get we -n bookinfo`);
  print('  meshbridge explain failover details.bookinfo --from cluster-1');
  print('  meshbridge local down     # when done');
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the cross-cluster failover walkthrough on fresh local clusters, checking every step')
    .option('--keep', 'leave the clusters (and the UI) running at the end')
    .option('--no-kubectl', "run the seed's kubectl commands as meshbridge commands even when kubectl is installed")
    .option('--examples <dir>', 'folder with the example manifests the walkthrough applies', packageExamplesDir())
    .action(async (opts: { keep?: boolean; examples: string; kubectl: boolean }) => {
      const home = join(meshbridgeHome(), 'demo');
      // Checked before anything starts, so a broken checkout fails at once and leaves no state behind.
      const examples = checkExamplesDir(opts.examples);
      const print = (line: string) => process.stdout.write(`${line}\n`);
      // Fresh clusters: stop whatever an earlier demo left and forget its state.
      await new Runner({ home, print }).meshbridge(['local', 'down'], { quiet: true, allowFail: true });
      rmSync(home, { recursive: true, force: true });
      print(`meshbridge demo: the seed walkthrough on local clusters (state in ${home})`);
      const kubectl = opts.kubectl === false ? undefined : findOnPath('kubectl');
      print(
        kubectl
          ? `the seed's kubectl commands run with ${kubectl}`
          : "kubectl not found: the seed's kubectl commands run as `meshbridge --cluster C ...`",
      );
      const walk = new Walkthrough({ home, examples, print, ...(kubectl ? { kubectl } : {}) });
      const started = Date.now();
      try {
        await walk.run();
        if (opts.keep) {
          print('\n== 8. cleanup: skipped (--keep)');
        } else {
          print('\n== 8. cleanup');
          await walk.cleanup();
        }
        print(`\nall checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        if (opts.keep) await printKept(home, print);
      } catch (err) {
        const step = err instanceof StepFailed ? err.step : 'unknown step';
        print(`\nFAILED at ${step}: ${err instanceof Error ? err.message : String(err)}`);
        if (!opts.keep)
          await new Runner({ home, print }).meshbridge(['local', 'down'], { quiet: true, allowFail: true });
        process.exitCode = 1;
      }
    });
}
