/**
 * The scale benchmark's proxies live in child processes (ads-client-main.ts), as sidecars do: their work of
 * reading and ACKing responses does not queue behind the control plane's on one thread, and the control plane's
 * figures (time to the last proxy, CPU, heap per proxy) are its own. Several hundred clients share a process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Messages to a client process. */
export type ClientRequest =
  | {
      op: 'connect';
      address: string;
      /** The first client's number (node ids are unique across processes). */
      first: number;
      count: number;
      services: number;
      protocol: 'sotw' | 'delta';
    }
  /** Reply once every client has had an EDS response after this `process.hrtime.bigint()` (decimal string). */
  | { op: 'await-eds'; afterNs: string }
  | { op: 'close' };

/** Messages from a client process. */
export type ClientReply =
  /** Sent once, unasked, when the process has loaded and listens for requests. */
  | { op: 'ready' }
  | { op: 'synced'; atNs: string }
  | { op: 'eds'; latenciesMs: number[] }
  | { op: 'error'; message: string };

/** The IP of proxy j: its node id names it, and the bench gives it a pod there. */
export const clientIp = (j: number): string => `10.255.${j >> 8}.${j & 255}`;

const MAIN = fileURLToPath(new URL('./ads-client-main.ts', import.meta.url));

/** One child process of clients. */
export class ClientProcess {
  private readonly child: ChildProcess;
  private readonly waiting: ((m: ClientReply) => void)[] = [];
  private exited: Error | undefined;
  /** Resolves when the process has loaded (starting one costs a second or two that no proxy would count). */
  readonly ready: Promise<void>;

  constructor() {
    // BENCH_CLIENT_NODE_ARGS adds Node flags to the clients' processes (e.g. `--cpu-prof --cpu-prof-dir=DIR`).
    const extra = (process.env.BENCH_CLIENT_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
    this.child = fork(MAIN, [], {
      execArgv: ['--import', 'tsx', ...extra],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) =>
      this.waiting.push((m) =>
        m.op === 'ready' ? resolve() : reject(new Error(m.op === 'error' ? m.message : `unexpected reply ${m.op}`)),
      ),
    );
    this.child.on('message', (m: ClientReply) => this.waiting.shift()?.(m));
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(`a benchmark client process exited (${signal ?? `code ${code}`})`);
      for (const w of this.waiting.splice(0)) w({ op: 'error', message: this.exited.message });
    });
  }

  /** Sends a request and resolves with the process's next reply (requests are answered in order). */
  private ask(m: ClientRequest): Promise<ClientReply> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting.push((reply) => (reply.op === 'error' ? reject(new Error(reply.message)) : resolve(reply)));
      this.child.send(m);
    });
  }

  /** Connects `count` clients; resolves with the hrtime (ns) at which the last of them had all four types. */
  async connect(m: Omit<Extract<ClientRequest, { op: 'connect' }>, 'op'>): Promise<bigint> {
    const reply = await this.ask({ op: 'connect', ...m });
    if (reply.op !== 'synced') throw new Error(`unexpected reply ${reply.op}`);
    return BigInt(reply.atNs);
  }

  /** Each client's time from `afterNs` to its first EDS response after it, ms. */
  async awaitEds(afterNs: bigint): Promise<number[]> {
    const reply = await this.ask({ op: 'await-eds', afterNs: afterNs.toString() });
    if (reply.op !== 'eds') throw new Error(`unexpected reply ${reply.op}`);
    return reply.latenciesMs;
  }

  /** Closes the clients and waits for the process to end (killed after 5 s). */
  async close(): Promise<void> {
    if (this.exited) return;
    const ended = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.send({ op: 'close' } satisfies ClientRequest);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await ended;
    clearTimeout(timer);
  }
}
