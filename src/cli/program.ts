/** Builds the commander program with every command registered (kept apart from main.ts so tests can drive it). */
import { Command } from 'commander';
import { registerController } from './commands/controller.js';
import { registerDemo } from './commands/demo.js';
import { registerExplain } from './commands/explain.js';
import { registerHistory } from './commands/history.js';
import { registerValidate } from './commands/validate.js';
import { registerLocal } from './commands/local.js';
import { registerClusterLabel } from './commands/cluster-label.js';
import { registerClusterScale } from './commands/cluster-scale.js';
import { registerClusterExec } from './commands/cluster-exec.js';
import { registerMgmtApply } from './commands/mgmt-apply.js';
import { registerMgmtDelete } from './commands/mgmt-delete.js';
import { registerMgmtGet } from './commands/mgmt-get.js';
import { registerMgmtStatus } from './commands/mgmt-status.js';
import { registerServer } from './commands/server.js';
import { registerInstall } from './commands/install.js';
import { registerDrill } from './commands/drill.js';

/** A command module: adds its subcommand(s) to the program. */
export type CommandModule = (program: Command) => void;

// One entry per line keeps merges of new commands trivial.
// prettier-ignore
const modules: CommandModule[] = [
  registerValidate,
  registerDemo,
  registerLocal,
  registerClusterScale,
  registerClusterLabel,
  registerClusterExec,
  registerMgmtApply,
  registerMgmtGet,
  registerMgmtDelete,
  registerMgmtStatus,
  registerServer,
  registerExplain,
  registerHistory,
  registerController,
  registerInstall,
  registerDrill,
];

export function buildProgram(): Command {
  const program = new Command('meshbridge')
    .description('Cross-cluster failover for internal services through East-West gateways')
    .version('0.1.0')
    .option('--cluster <name>', 'send cluster kinds to this cluster (a context of the kubeconfig)')
    .showHelpAfterError();
  for (const register of modules) register(program);
  return program;
}
