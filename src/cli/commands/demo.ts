/**
 * `meshbridge demo`: the seed walkthrough on fresh local clusters, every step printed and checked. It keeps its
 * state in its own folder (`$MESHBRIDGE_HOME/demo`, default `./.meshbridge/demo`), wiped at the start, so it never
 * touches clusters a user started with `local up`.
 */
import type { Command } from 'commander';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runner } from '../../demo/runner.js';
import { StepFailed, Walkthrough } from '../../demo/walkthrough.js';

const DEFAULT_FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures', import.meta.url));

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
        print('\n== 8. cleanup');
        await walk.cleanup(opts.keep ?? false);
        print(`\nall checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        if (opts.keep) {
          print(`clusters are still running; state and kubeconfig in ${home}`);
          print(`  export MESHBRIDGE_HOME=${home}`);
          print(`  kubectl --kubeconfig ${home}/kubeconfig --context cluster-1 get we -n bookinfo`);
          print('  meshbridge local status    # and `meshbridge local down` when done');
        }
      } catch (err) {
        const step = err instanceof StepFailed ? err.step : 'unknown step';
        print(`\nFAILED at ${step}: ${err instanceof Error ? err.message : String(err)}`);
        if (!opts.keep)
          await new Runner({ home, print }).meshbridge(['local', 'down'], { quiet: true, allowFail: true });
        process.exitCode = 1;
      }
    });
}
