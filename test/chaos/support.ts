/**
 * The chaos suite's shared setup and case runner. One pair of local clusters for every case, set up with the
 * demo's example files and commands: bookinfo and sleep in cluster-1, the East-West gateway and bookinfo in
 * cluster-2, the workspace and its East-West setting, so cluster-2 is cluster-1's failover target.
 * Each case runs under a steady open-loop load of {@link RATE} GET/s of the product page through the sleep pod's
 * sidecar in cluster-1 (so through productpage and its calls to details, reviews and ratings), breaks one thing,
 * and reports requests sent, failed, the time until the broken part recovered, the time from the fault to the first
 * answer to a request sent after it, and the slowest request in flight during the fault. A case may need another
 * topology than the shared baseline (e.g. cluster-1's details scaled to 0, so details goes through cluster-2's
 * East-West gateway): the bed enters it before the case and leaves it, back to the baseline, after the last of the
 * consecutive cases that share it, both without load (they are not what is measured).
 * The management plane runs on PostgreSQL (chaos.test.ts), so its restart is tested on the production store.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { C1, C2 } from '../../src/demo/walkthrough.js';
import { fetchPage, type Sample } from '../../src/demo/load.js';
import { Runner } from '../../src/demo/runner.js';
import { showsBookDetails } from '../../src/demo/checks.js';
import { EXAMPLES } from '../support/paths.js';
import { startSteadyLoad, type LoadReport } from '../support/steady-load.js';
import { describeFailures, faultTimes } from './fault-times.js';
import { callClusterApi } from '../../src/local/api-client.js';
import { readApiToken } from '../../src/local/api-token.js';
import { clusterPaths, homePaths, type ClusterInfo } from '../../src/local/config.js';
import { CA_FILES } from '../../src/identity/index.js';

/**
 * Requests per second of the steady load: productpage pages, each of which fans out to details, reviews and ratings
 * through four sidecar-to-sidecar mTLS hops. 20 by default: on a 2-core machine the no-fault baseline at 100 pages
 * per second already failed 899 of 999 requests (the machine's capacity, not a fault), while 20 carries with 0
 * failed. `MESHBRIDGE_CHAOS_RATE` sets another rate (e.g. 100 on a machine with the cores for it, or 5 on one whose
 * cores other work shares: with two cores at a load average of 15-25, 20 failed most of the baseline's requests with
 * client timeouts while 5 carried every case with 0 failed); the baseline case says whether the machine carries it.
 */
export const RATE = Number(process.env.MESHBRIDGE_CHAOS_RATE) > 0 ? Number(process.env.MESHBRIDGE_CHAOS_RATE) : 20;
/** Load before the fault, and total load per case (about 10 s, to keep the suite's time modest). */
const WARMUP_MS = 2_000;
const CASE_MS = 10_000;
/** A broken part that has not recovered by then fails the case. */
const RECOVERY_TIMEOUT_MS = 30_000;
const execFileAsync = promisify(execFile);
export const PAGE = 'http://productpage.bookinfo:9080/productpage';

/** What a case can use. */
export interface ChaosContext {
  readonly home: string;
  /**
   * Real kubectl against one local cluster, asynchronous: a synchronous child would stall this process's event
   * loop, and the open-loop load would then send the requests it owed in one burst, a fault of the harness. Run at
   * a low CPU priority (`nice`), as `meshbridge` is: on a 2-core machine a CLI starting beside the loaded mesh
   * (e.g. `explain` in the remote-probe case) took the CPU some requests needed and they passed their 3 s timeout.
   */
  kubectl(cluster: string, ...args: string[]): Promise<string>;
  /**
   * One GET on a cluster's API from this process (the home's token and API CA), answering the body text; throws
   * on any status but 200. For what a case polls while the load runs: a kubectl process every 50 ms kept a core
   * of a 2-core machine busy during the very window measured (a restarted sidecar then took 7 s to boot, every
   * hop 0.3-1 s, and pages timed out), a fault of the harness, not of the mesh.
   */
  get(cluster: string, path: string): Promise<string>;
  /** The recorded pid of a cluster's process. */
  clusterPid(cluster: string): number;
  /** Runs `meshbridge ARGS` against this bed (asynchronous, like kubectl); resolves with its stdout. */
  meshbridge(...args: string[]): Promise<string>;
  /** One product page through the sleep pod's sidecar, outside the steady load (e.g. to see who serves details). */
  page(): Promise<Sample>;
}

/** One fault. */
export interface ChaosCase {
  /** A behaviour sentence: what is broken and what must hold. */
  readonly name: string;
  /**
   * Undefined: 0 failed requests expected. Otherwise why failures are unavoidable (no healthy copy of the
   * service exists anywhere while the fault lasts); the case then only reports them.
   */
  readonly failuresExpectedBecause?: string;
  /** The topology the fault needs; the shared baseline when undefined. */
  readonly topology?: ChaosTopology;
  /** Checks what must hold before the fault, or records what must still hold after it; runs without load. */
  prepare?(ctx: ChaosContext): Promise<void>;
  /**
   * What must still hold once the broken part recovered (e.g. stored configuration), checked after the load
   * stopped: part of the case's verdict, not of its recovery time.
   */
  check?(ctx: ChaosContext): Promise<void>;
  /**
   * Undoes what the case changed beyond its topology, after the load stopped, also when the case failed, so the
   * next case starts from its topology's state.
   */
  restore?(ctx: ChaosContext): Promise<void>;
  /** Breaks something; resolves with a wait that resolves once it has recovered without any command. */
  inject(ctx: ChaosContext): Promise<() => Promise<void>>;
}

/** A shape of the bed other than the shared baseline, entered and left without load. */
export interface ChaosTopology {
  readonly name: string;
  enter(ctx: ChaosContext): Promise<void>;
  /** Back to the shared baseline. */
  leave(ctx: ChaosContext): Promise<void>;
}

/** What one case measured. */
export interface ChaosResult {
  readonly name: string;
  readonly sent: number;
  readonly failed: number;
  readonly rate: number;
  readonly recoverMs: number;
  /** From the fault to the first successful answer to a request sent at or after it. */
  readonly firstAnswerMs: number;
  /** The slowest request that was in flight at the fault or sent after it. */
  readonly slowestMs: number;
  readonly load: LoadReport;
}

/** The shared pair of clusters. */
export class ChaosBed {
  private proxy: URL | undefined;
  /** The topology the bed is in; undefined: the shared baseline. */
  private topology: ChaosTopology | undefined;
  private readonly runner: Runner;

  constructor(private readonly home: string) {
    this.runner = new Runner({ home, print: () => {} });
  }

  /**
   * Brings up both clusters, bookinfo, the gateway and the workspace with the demo's example files and commands
   * (src/demo/walkthrough.ts steps 1, 3 and 4), waiting for each result with retries instead of checking once: on a
   * busy machine the first page after the pods turn ready may still miss a backend.
   */
  async setUp(kubectlPath: string): Promise<void> {
    const kube = (cluster: string, ...args: string[]) =>
      this.runner.program(kubectlPath, ['--context', cluster, ...args], { quiet: true });
    const file = (name: string) => join(EXAMPLES, name);
    await this.runner.meshbridge(['local', 'up'], { quiet: true });
    for (const cluster of [C1, C2]) {
      await kube(cluster, 'create', 'namespace', 'bookinfo');
      await kube(cluster, 'label', 'namespace', 'bookinfo', 'istio-injection=enabled');
    }
    await kube(C1, 'apply', '-n', 'bookinfo', '-f', file('bookinfo.yaml'));
    await kube(C1, 'apply', '-n', 'bookinfo', '-f', file('sleep.yaml'));
    await kube(C2, 'apply', '-f', file('eastwest-gateway.yaml'));
    await kube(C2, 'apply', '-n', 'bookinfo', '-f', file('bookinfo.yaml'));
    await this.runner.meshbridge(['apply', '-f', file('workspace.yaml')], { quiet: true });
    await this.runner.meshbridge(['apply', '-f', file('workspace-setting.yaml')], { quiet: true });
    const proxy = await eventually('the sleep pod proxy URL', async () => {
      const res = await this.runner.meshbridge(
        ['--cluster', C1, 'exec', '-n', 'bookinfo', 'deploy/sleep', '--', 'printenv', 'http_proxy'],
        { quiet: true, allowFail: true },
      );
      return res.stdout.trim() ? new URL(res.stdout.trim()) : undefined;
    });
    await eventually('WorkloadEntries for details in cluster-1', async () =>
      /k-details-/.test(await this.context.kubectl(C1, 'get', 'we', '-n', 'bookinfo')) ? true : undefined,
    );
    await eventually('ten product pages in a row with the Book Details block', async () => {
      for (let i = 0; i < 10; i++) {
        if (!(await fetchPage({ proxy, target: PAGE })).ok) return undefined;
      }
      return true;
    });
    this.proxy = proxy;
  }

  async tearDown(): Promise<void> {
    await this.runner.meshbridge(['local', 'down'], { quiet: true, allowFail: true });
  }

  readonly context: ChaosContext = {
    home: '',
    kubectl: async (cluster, ...args) =>
      (
        await execFileAsync(
          'nice',
          [
            '-n',
            '15',
            '/usr/bin/kubectl',
            '--kubeconfig',
            join(this.home, 'kubeconfig'),
            '--context',
            cluster,
            ...args,
          ],
          { encoding: 'utf8' },
        )
      ).stdout,
    get: async (cluster, path) => {
      const dir = join(this.home, 'clusters', cluster);
      const info = JSON.parse(readFileSync(clusterPaths(dir).info, 'utf8')) as ClusterInfo;
      if (!info.apiUrl) throw new Error(`${cluster}: no API address in cluster.json yet`);
      const res = await callClusterApi({
        server: info.apiUrl,
        path,
        token: readApiToken(clusterPaths(dir).token),
        caPem: readFileSync(join(homePaths(this.home).apiCa, CA_FILES.cert), 'utf8'),
        timeoutMs: 3_000,
      });
      if (res.status !== 200) throw new Error(`${cluster}: GET ${path}: ${res.status} ${res.text.slice(0, 200)}`);
      return res.text;
    },
    clusterPid: (cluster) => Number(readFileSync(join(this.home, 'clusters', cluster, 'cluster.pid'), 'utf8').trim()),
    meshbridge: async (...args) => (await this.runner.meshbridge(args, { quiet: true, nice: true })).stdout,
    page: () => {
      assert.ok(this.proxy, 'setUp ran');
      return fetchPage({ proxy: this.proxy, target: PAGE });
    },
  };

  /**
   * Runs one case under load and asserts what it expects. `next` is the case that runs after it: the bed stays in
   * this case's topology when the next one shares it, and is back at the shared baseline otherwise.
   */
  async run(c: ChaosCase, next?: ChaosCase): Promise<ChaosResult> {
    assert.ok(this.proxy, 'setUp ran');
    const ctx: ChaosContext = { ...this.context, home: this.home };
    if (this.topology !== c.topology) {
      await this.leaveTopology(ctx);
      await c.topology?.enter(ctx);
      this.topology = c.topology;
    }
    let outcome: { result: ChaosResult } | { error: unknown };
    try {
      await c.prepare?.(ctx);
      const result = await this.measure(c, ctx, this.proxy);
      await c.check?.(ctx);
      outcome = { result };
    } catch (error) {
      outcome = { error };
    }
    try {
      await c.restore?.(ctx);
      if (next?.topology !== this.topology) await this.leaveTopology(ctx);
    } catch (error) {
      // The case's own failure says more than a failed restore; both are reported, the case's is thrown.
      if ('result' in outcome) throw error;
      process.stdout.write(`# chaos: restoring after "${c.name}" failed too: ${String(error)}\n`);
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  }

  private async leaveTopology(ctx: ChaosContext): Promise<void> {
    const current = this.topology;
    // Forgotten first: a topology left half-way is entered again by the next case that needs it.
    this.topology = undefined;
    await current?.leave(ctx);
  }

  private async measure(c: ChaosCase, ctx: ChaosContext, proxy: URL): Promise<ChaosResult> {
    const load = startSteadyLoad({
      proxy,
      target: PAGE,
      ratePerSecond: RATE,
      ok: (status, body) => status === 200 && showsBookDetails(body),
    });
    const started = Date.now();
    await sleep(WARMUP_MS);
    const injectedAt = Date.now();
    let recoverMs = Number.NaN;
    // A fault that could not be injected or did not recover still fails the case, but only after the load stopped
    // and its figures were printed: a load left running would double the next cases' rate.
    let notRecovered: { error: unknown } | undefined;
    try {
      const recovered = await c.inject(ctx);
      await Promise.race([
        recovered(),
        sleep(RECOVERY_TIMEOUT_MS).then(() => {
          throw new Error(`not recovered within ${RECOVERY_TIMEOUT_MS} ms`);
        }),
      ]);
      recoverMs = Date.now() - injectedAt;
    } catch (error) {
      notRecovered = { error };
    }
    await sleep(Math.max(0, CASE_MS - (Date.now() - started)));
    const report = await load.stop();
    const result = {
      name: c.name,
      sent: report.sent,
      failed: report.failed,
      rate: report.rate,
      recoverMs,
      ...faultTimes(report.samples, injectedAt),
      load: report,
    };
    process.stdout.write(
      `# chaos: ${c.name}: sent ${result.sent} (${result.rate}/s), failed ${result.failed}, ` +
        `recovered in ${recoverMs} ms, first answer after the fault in ${result.firstAnswerMs} ms, ` +
        `slowest request ${result.slowestMs} ms\n`,
    );
    if (report.failed > 0) process.stdout.write(`# chaos:   failed: ${describeFailures(report.samples, injectedAt)}\n`);
    if (notRecovered) throw notRecovered.error;
    assert.ok(report.rate >= RATE * 0.9, `the load kept its rate (${report.rate}/s)`);
    if (c.failuresExpectedBecause === undefined) {
      assert.equal(report.failed, 0, `failed requests: ${JSON.stringify(report.failures)}`);
    }
    return result;
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 500 ms until it returns a value; throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 180_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch {
      // Not yet.
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

/**
 * Polls `check` every 50 ms until it is true; throws after `timeoutMs` (default: a little more than the recovery
 * bound), so a wait the case runner gave up on stops polling instead of keeping the test process alive.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = RECOVERY_TIMEOUT_MS + 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not yet: files being rewritten, an API still starting.
    }
    if (Date.now() > deadline) throw new Error(`still not so after ${timeoutMs} ms`);
    await sleep(50);
  }
}
