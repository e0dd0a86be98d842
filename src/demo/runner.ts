/**
 * Runs `meshbridge` (and optionally `kubectl`) the way a user would type it, printing the command line and its
 * relevant output, so the demo reads like the seed's walkthrough.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const BIN = fileURLToPath(new URL('../../bin/meshbridge.js', import.meta.url));

/** What one command produced. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of a runner: where state lives, where output goes, how chatty it is. */
export interface RunnerOptions {
  readonly home: string;
  readonly print: (line: string) => void;
  /** Seconds after which a command is abandoned (a hung command must not hang the demo). */
  readonly timeoutSeconds?: number;
}

/** Thrown when a command the walkthrough relies on fails; carries what it printed. */
export class CommandFailed extends Error {
  constructor(
    readonly display: string,
    readonly result: CommandResult,
  ) {
    super(`\`${display}\` exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 2000)}`);
    this.name = 'CommandFailed';
  }
}

/** Runs meshbridge commands against one state directory. */
/** Options of one command. */
export interface RunOptions {
  readonly quiet?: boolean;
  readonly allowFail?: boolean;
  readonly stdin?: string;
  /**
   * Run at a lower CPU priority (`nice -n 5`): a tool a test runs beside a measured data plane (a CLI, kubectl) must
   * not take the CPU the measurement needs, nor starve (a drill's CLI must still end its drill on time). Never for
   * `local up`: its processes would inherit the priority.
   */
  readonly nice?: boolean;
}

export class Runner {
  constructor(private readonly options: RunnerOptions) {}

  /** Runs `meshbridge ARGS`, echoing it; rejects with CommandFailed on a non-zero exit unless `allowFail`. */
  async meshbridge(args: readonly string[], opts: RunOptions = {}) {
    return this.run(process.execPath, [BIN, ...args], `meshbridge ${args.map(quote).join(' ')}`, opts);
  }

  /** Runs an arbitrary program (e.g. kubectl) with MESHBRIDGE_HOME and KUBECONFIG pointing at the local clusters. */
  async program(file: string, args: readonly string[], opts: RunOptions = {}) {
    return this.run(file, args, `${file.split('/').pop()} ${args.map(quote).join(' ')}`, opts);
  }

  private run(file: string, args: readonly string[], display: string, opts: RunOptions): Promise<CommandResult> {
    if (!opts.quiet) this.options.print(`$ ${display}`);
    return new Promise((resolve, reject) => {
      const [command, argv] = opts.nice ? ['nice', ['-n', '5', file, ...args]] : [file, args];
      const child = spawn(command, argv, {
        env: { ...process.env, MESHBRIDGE_HOME: this.options.home, KUBECONFIG: join(this.options.home, 'kubeconfig') },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdin.end(opts.stdin ?? '');
      const timer = setTimeout(() => child.kill('SIGKILL'), (this.options.timeoutSeconds ?? 180) * 1000);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
        if (result.code !== 0 && !opts.allowFail) reject(new CommandFailed(display, result));
        else resolve(result);
      });
    });
  }
}

function quote(arg: string): string {
  return /^[\w@%+=:,./*-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
