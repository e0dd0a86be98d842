/**
 * The scale benchmark's proxies live in child processes (ads-client-main.ts), as sidecars do: their work of
 * reading and ACKing responses does not queue behind the control plane's on one thread, and the control plane's
 * figures (time to the last proxy, CPU, heap per proxy) are its own. Several hundred clients share a process.
 */
import { ChildRpc } from './child-rpc.js';
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

/** Replies of a client process. */
export type ClientReply = { op: 'synced'; atNs: string } | { op: 'eds'; latenciesMs: number[] };

/** The IP of proxy j: its node id names it, and the bench gives it a pod there. */
export const clientIp = (j: number): string => `10.255.${j >> 8}.${j & 255}`;

/** The node id proxy j sends: a sidecar of pod `client-j` in namespace `bench`, at its IP. */
export const nodeId = (j: number): string => `sidecar~${clientIp(j)}~client-${j}.bench~bench.svc.cluster.local`;

const MAIN = fileURLToPath(new URL('./ads-client-main.ts', import.meta.url));

/** One child process of clients. */
export class ClientProcess {
  private readonly rpc: ChildRpc<ClientRequest, ClientReply>;
  /** Resolves when the process has loaded (starting one costs a second or two that no proxy would count). */
  readonly ready: Promise<void>;

  constructor() {
    // BENCH_CLIENT_NODE_ARGS adds Node flags to the clients' process (e.g. `--cpu-prof --cpu-prof-dir=DIR`).
    this.rpc = new ChildRpc(MAIN, 'a benchmark client process', 'BENCH_CLIENT_NODE_ARGS');
    this.ready = this.rpc.ready;
  }

  /** Connects `count` clients; resolves with the hrtime (ns) at which the last of them had all four types. */
  async connect(m: Omit<Extract<ClientRequest, { op: 'connect' }>, 'op'>): Promise<bigint> {
    return BigInt((await this.rpc.ask({ op: 'connect', ...m }, 'synced')).atNs);
  }

  /** Each client's time from `afterNs` to its first EDS response after it, ms. */
  async awaitEds(afterNs: bigint): Promise<number[]> {
    return (await this.rpc.ask({ op: 'await-eds', afterNs: afterNs.toString() }, 'eds')).latenciesMs;
  }

  /** Closes the clients and waits for the process to end (killed after 5 s). */
  close(): Promise<void> {
    return this.rpc.close({ op: 'close' });
  }
}
