/**
 * What the cluster commands share: the `--cluster` option (required for them) and the way failures are printed —
 * Status errors as kubectl prints them (`Error from server (NotFound): ...`), exit code 1.
 */
import type { Command } from 'commander';
import { KubeError } from './cluster-client.js';

/** The `--cluster` value of the program; throws a usage error naming the command when it is missing. */
export function clusterOf(cmd: Command, command: string): string {
  const cluster = (cmd.optsWithGlobals() as { cluster?: string }).cluster;
  if (!cluster) {
    throw new Error(
      `${command} needs --cluster NAME (a context of $MESHBRIDGE_HOME/kubeconfig, e.g. --cluster cluster-1)`,
    );
  }
  return cluster;
}

/** Runs a command body; prints failures kubectl-style and sets exit code 1 instead of throwing. */
export async function runClusterCommand(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof KubeError && err.reason !== undefined) {
      process.stderr.write(`Error from server (${err.reason}): ${err.message}\n`);
    } else process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
