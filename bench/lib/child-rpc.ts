/**
 * A benchmark's helper process, started with `fork` and asked over IPC: requests are answered in order, one reply
 * each, and `{ op: 'error' }` answers with a failure. The child side is `serve`. Work that must not share the
 * measured process's thread (light ADS clients, the API servers of many embedded clusters) lives in one.
 */
import { fork, type ChildProcess } from 'node:child_process';

/** The reply a child sends for a request it failed. */
export interface ErrorReply {
  op: 'error';
  message: string;
}

/** The parent's side. */
export class ChildRpc<Request extends { op: string }, Reply extends { op: string }> {
  private readonly child: ChildProcess;
  private readonly waiting: ((m: Reply | ErrorReply) => void)[] = [];
  private exited: Error | undefined;
  /** Resolves when the process has loaded (starting one costs a second or two that no measurement should count). */
  readonly ready: Promise<void>;

  /**
   * @param main the child's module (run with tsx)
   * @param what how errors name the process ("a benchmark client process")
   * @param argsVariable the environment variable whose words are extra Node flags for the child (e.g.
   *   `--cpu-prof --cpu-prof-dir=DIR`)
   */
  constructor(
    main: string,
    private readonly what: string,
    argsVariable: string,
  ) {
    const nodeArgs = (process.env[argsVariable] ?? '').split(' ').filter((a) => a !== '');
    this.child = fork(main, [], {
      execArgv: ['--import', 'tsx', ...nodeArgs],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) =>
      this.waiting.push((m) =>
        m.op === 'ready' ? resolve() : reject(new Error(m.op === 'error' ? (m as ErrorReply).message : m.op)),
      ),
    );
    this.child.on('message', (m: Reply | ErrorReply) => this.waiting.shift()?.(m));
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(`${what} exited (${signal ?? `code ${code}`})`);
      for (const w of this.waiting.splice(0)) w({ op: 'error', message: this.exited.message });
    });
  }

  /** Sends a request and resolves with the reply `op`, or rejects with the child's error or an unexpected reply. */
  ask<Op extends Reply['op']>(m: Request, op: Op): Promise<Extract<Reply, { op: Op }>> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting.push((reply) => {
        if (reply.op === op) resolve(reply as Extract<Reply, { op: Op }>);
        else if (reply.op === 'error') reject(new Error((reply as ErrorReply).message));
        else reject(new Error(`${this.what} answered ${reply.op}, not ${op}`));
      });
      this.child.send(m);
    });
  }

  /** Sends `closing` (after which the child must exit) and waits for the exit; killed after 5 s. */
  async close(closing: Request): Promise<void> {
    if (this.exited) return;
    const ended = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.send(closing);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await ended;
    clearTimeout(timer);
  }
}

/**
 * The child's side: answers each request with `handle`'s reply (a thrown error becomes `{ op: 'error' }`), one at a
 * time in arrival order, and tells the parent it is ready.
 */
export function serve<Request extends { op: string }, Reply extends { op: string }>(
  handle: (m: Request) => Promise<Reply | undefined>,
): void {
  const send = (m: Reply | ErrorReply | { op: 'ready' }): void => void process.send?.(m);
  let queue = Promise.resolve();
  process.on('message', (m: Request) => {
    queue = queue.then(async () => {
      try {
        const reply = await handle(m);
        if (reply) send(reply);
      } catch (err) {
        send({ op: 'error', message: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  send({ op: 'ready' });
}
