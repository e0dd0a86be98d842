/**
 * `meshbridge demo`: the seed walkthrough on fresh local clusters, every step printed and checked. It keeps its
 * state in its own folder (`$MESHBRIDGE_HOME/demo`, default `./.meshbridge/demo`), wiped at the start, so it never
 * touches clusters a user started with `local up`.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runner } from '../../demo/runner.js';
import { StepFailed, Walkthrough } from '../../demo/walkthrough.js';

const DEFAULT_FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures', import.meta.url));

/** How to reach what `--keep` leaves running. */
function printKept(home: string, print: (line: string) => void): void {
  let url: string | undefined;
  try {
    url = (JSON.parse(readFileSync(join(home, 'mgmt.json'), 'utf8')) as { url?: string }).url;
  } catch {
    url = undefined;
  }
  print('the clusters, bookinfo and the management plane are still running:');
  if (url) print(`  web UI: ${url}/ui/  (token: the content of ${join(home, 'admin-token')})`);
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
    .option('--fixtures <dir>', 'folder with upstream/{bookinfo,sleep}.yaml and seed/*.yaml', DEFAULT_FIXTURES)
    .action(async (opts: { keep?: boolean; fixtures: string }) => {
      const home = resolve(process.env.MESHBRIDGE_HOME ?? '.meshbridge', 'demo');
      const fixtures = resolve(opts.fixtures);
      if (!existsSync(resolve(fixtures, 'upstream', 'bookinfo.yaml'))) {
        throw new Error(`the bookinfo manifests are not in ${fixtures} (use --fixtures DIR)`);
      }
      const print = (line: string) => process.stdout.write(`${line}\n`);
      // Fresh clusters: stop whatever an earlier demo left and forget its state.
      await new Runner({ home, print }).meshbridge(['local', 'down'], { quiet: true, allowFail: true });
      rmSync(home, { recursive: true, force: true });
      print(`meshbridge demo: the seed walkthrough on local clusters (state in ${home})`);
      const walk = new Walkthrough({ home, fixtures, print });
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
        if (opts.keep) printKept(home, print);
      } catch (err) {
        const step = err instanceof StepFailed ? err.step : 'unknown step';
        print(`\nFAILED at ${step}: ${err instanceof Error ? err.message : String(err)}`);
        if (!opts.keep)
          await new Runner({ home, print }).meshbridge(['local', 'down'], { quiet: true, allowFail: true });
        process.exitCode = 1;
      }
    });
}
