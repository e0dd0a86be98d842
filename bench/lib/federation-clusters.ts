/**
 * The federation benchmark's workload clusters live in a child process (federation-clusters-main.ts): every
 * cluster an embedded Kubernetes API (SQLite store + API server on loopback). A federation controller reaches its
 * clusters' APIs over the network and never pays for their work, so the controller measured in the parent does not
 * either. The child records when each generated object was written; times are `process.hrtime.bigint()`
 * (CLOCK_MONOTONIC, shared by the machine's processes).
 */
import { fileURLToPath } from 'node:url';
import { ChildRpc } from './child-rpc.js';

/** Requests to the clusters' process. */
export type ClustersRequest =
  | {
      op: 'start';
      /** Where the stores live. */
      dir: string;
      clusters: number;
      services: number;
      /** Cluster k's API listens on 127.<base>.<k>.1. */
      base: number;
    }
  /** Reply once every cluster holds `expected` generated objects in all and none was written for `quietMs`. */
  | { op: 'await-initial'; expected: number; quietMs: number; timeoutMs: number }
  /** Give cluster 0's East-West gateway a new load-balancer address; reply once every object naming the old one names it. */
  | { op: 'change-gateway'; oldIp: string; newIp: string; timeoutMs: number }
  | { op: 'close' };

/** Replies of the clusters' process. */
export type ClustersReply =
  | { op: 'started'; apis: { name: string; url: string; token: string }[] }
  /** `lastWriteNs`: when the last object of the initial sync was written. */
  | { op: 'initial'; objects: number; lastWriteNs: string }
  /** Each affected object's time from the change to its update, ms. */
  | { op: 'changed'; latenciesMs: number[] };

const MAIN = fileURLToPath(new URL('./federation-clusters-main.ts', import.meta.url));

/** The child process holding the embedded clusters. */
export class ClustersProcess {
  private readonly rpc: ChildRpc<ClustersRequest, ClustersReply>;
  readonly ready: Promise<void>;

  constructor() {
    // BENCH_CLUSTERS_NODE_ARGS adds Node flags to the clusters' process (e.g. `--cpu-prof --cpu-prof-dir=DIR`).
    this.rpc = new ChildRpc(MAIN, 'the benchmark clusters process', 'BENCH_CLUSTERS_NODE_ARGS');
    this.ready = this.rpc.ready;
  }

  async start(m: Omit<Extract<ClustersRequest, { op: 'start' }>, 'op'>) {
    return (await this.rpc.ask({ op: 'start', ...m }, 'started')).apis;
  }

  async awaitInitial(m: Omit<Extract<ClustersRequest, { op: 'await-initial' }>, 'op'>) {
    const r = await this.rpc.ask({ op: 'await-initial', ...m }, 'initial');
    return { objects: r.objects, lastWriteNs: BigInt(r.lastWriteNs) };
  }

  async changeGateway(m: Omit<Extract<ClustersRequest, { op: 'change-gateway' }>, 'op'>): Promise<number[]> {
    return (await this.rpc.ask({ op: 'change-gateway', ...m }, 'changed')).latenciesMs;
  }

  close(): Promise<void> {
    return this.rpc.close({ op: 'close' });
  }
}
