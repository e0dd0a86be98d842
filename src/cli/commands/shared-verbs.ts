/**
 * `apply`, `get` and `delete` exist twice: for TSB kinds (management plane, like tctl) and, with `--cluster C`, for
 * cluster kinds (like kubectl). Commander allows one command per name, so each verb is registered once here and
 * hands its raw arguments to the right module's command, parsed by a sub-program that has only that module. Each
 * side keeps its own options, help and errors.
 */
import { Command } from 'commander';
import type { CommandModule } from '../program.js';
import { registerClusterApply } from './cluster-apply.js';
import { registerClusterDelete } from './cluster-delete.js';
import { registerClusterGet } from './cluster-get.js';
import { registerMgmtApply } from './mgmt-apply.js';
import { registerMgmtDelete } from './mgmt-delete.js';
import { registerMgmtGet } from './mgmt-get.js';

interface Verb {
  name: string;
  description: string;
  mgmt: CommandModule;
  cluster: CommandModule;
}

const VERBS: readonly Verb[] = [
  {
    name: 'apply',
    description: 'apply -f FILE...: TSB objects to the management plane; with --cluster C, cluster objects to C',
    mgmt: registerMgmtApply,
    cluster: registerClusterApply,
  },
  {
    name: 'get',
    description: 'get KIND [NAME]: TSB objects from the management plane; with --cluster C, cluster objects of C',
    mgmt: registerMgmtGet,
    cluster: registerClusterGet,
  },
  {
    name: 'delete',
    description: 'delete -f FILE | KIND NAME: TSB objects; with --cluster C, cluster objects of C',
    mgmt: registerMgmtDelete,
    cluster: registerClusterDelete,
  },
];

/** Registers the shared verbs. */
export function registerSharedVerbs(program: Command): void {
  for (const verb of VERBS) {
    program
      .command(verb.name)
      .description(verb.description)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]', 'passed to the management-plane or cluster form of the command')
      .action(async (_args: string[], _opts: unknown, cmd: Command) => {
        const cluster = (cmd.optsWithGlobals() as { cluster?: string }).cluster;
        const sub = new Command(program.name()).option('--cluster <name>').showHelpAfterError();
        (cluster === undefined ? verb.mgmt : verb.cluster)(sub);
        const globals = cluster === undefined ? [] : ['--cluster', cluster];
        await sub.parseAsync([...globals, verb.name, ...cmd.args], { from: 'user' });
      });
  }
}
