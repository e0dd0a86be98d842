/** Builds the commander program with every command registered (kept apart from main.ts so tests can drive it). */
import { Command } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerValidate } from './commands/validate.js';

/** A command module: adds its subcommand(s) to the program. */
export type CommandModule = (program: Command) => void;

const modules: CommandModule[] = [registerDemo, registerValidate];

export function buildProgram(): Command {
  const program = new Command('meshbridge')
    .description('Cross-cluster failover for internal services through East-West gateways')
    .version('0.1.0')
    .option('--cluster <name>', 'send cluster kinds to this cluster (a context of the kubeconfig)')
    .showHelpAfterError();
  for (const register of modules) register(program);
  return program;
}
