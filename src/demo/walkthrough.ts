/**
 * The seed walkthrough (`cross-cluster-failover.txt`) as a list of checked steps on local clusters. Each step
 * performs the seed's commands through the `meshbridge` CLI with the package's example manifests
 * (`examples/bookinfo`, applied as they are), prints them as a user would type them, and checks the result of
 * SEMANTICS.md section 7. The same steps back `meshbridge demo` and the end-to-end test, which asserts on
 * the values the steps return rather than on printed text.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXAMPLE_FILES, type ExampleRole } from './examples.js';
import { Runner } from './runner.js';
import { entriesByService, grepDetails, showsBookDetails, showsDetailsError, type WorkloadEntryRow } from './checks.js';
import { fetchPage, startLoad, summarise, type FailoverSummary } from './load.js';
import { showRecordedFailover } from './history-step.js';
import type { WireEpisode } from '../cli/commands/history-format.js';

/** Where the walkthrough finds its manifests and keeps its state. */
export interface WalkthroughOptions {
  readonly home: string;
  /**
   * Folder holding the files of `EXAMPLE_FILES` (the package's `examples/bookinfo`). Their management-plane objects
   * name organization `tetrate` (the one `local up` registers) and tenant `demo`.
   */
  readonly examples: string;
  readonly print: (line: string) => void;
  /**
   * A kubectl to run the seed's kubectl commands with (against `$home/kubeconfig`), exactly as the seed types them.
   * Without it the same commands go through `meshbridge --cluster C ...`.
   */
  readonly kubectl?: string;
}

/** Raised when a step's check fails; names the step. */
export class StepFailed extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(`step "${step}" failed: ${message}`);
    this.name = 'StepFailed';
  }
}

/** Facts the steps gathered, for the test to assert on and the demo to report. */
export interface WalkthroughReport {
  entries?: Map<string, string[]>;
  gatewayAddresses?: string[];
  failover?: FailoverSummary;
  /** Step 5's failover as productpage's sidecar recorded it (`meshbridge history details.bookinfo`). */
  recordedFailover?: WireEpisode;
  sameRegion?: { beforeOverlay: Record<string, number>; afterOverlay: Record<string, number> };
  /** Step 6's gateway rollout: the gateway's pods once the overlay rolled out (the old pod removed). */
  gatewayRollout?: { podsAfterOverlay: GatewayPodState[] };
  reachability?: { entriesWithoutRule: number; explain: string; entriesWithRule: number };
}

type Kube = { metadata: { name: string; labels?: Record<string, string> }; status?: Record<string, unknown> };

/** A gateway pod as step 6 checks it: a rollout must leave each Running and Ready, none crash-looping. */
export interface GatewayPodState {
  readonly name: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly restarts: number;
  /** A container's waiting reason (e.g. CrashLoopBackOff), if any. */
  readonly waiting?: string;
  readonly locality?: string;
}

export const C1 = 'cluster-1';
export const C2 = 'cluster-2';
const BOOKINFO = 'bookinfo';
const PAGE = 'http://productpage.bookinfo:9080/productpage';
/** The page as the seed's curl command names it (no scheme: curl defaults to http and honours http_proxy). */
const SEED_PAGE = 'productpage.bookinfo:9080/productpage';

/** The walkthrough, one method per seed step; `run()` performs all of them in order. */
export class Walkthrough {
  readonly report: WalkthroughReport = {};
  private readonly cli: Runner;

  constructor(private readonly options: WalkthroughOptions) {
    this.cli = new Runner({ home: options.home, print: options.print });
  }

  private say(line: string): void {
    this.options.print(line);
  }

  /** An example manifest's path; the walkthrough applies it as a user would, unchanged. */
  private file(role: ExampleRole): string {
    return join(this.options.examples, EXAMPLE_FILES[role]);
  }

  /** Steps in the seed's order, with the names reported on failure. */
  steps(): Array<[string, () => Promise<void>]> {
    return [
      ['1. bookinfo and sleep in cluster-1', () => this.stepBookinfoCluster1()],
      ['2. details-v1 scaled to 0 without failover', () => this.stepFailureWithoutFailover()],
      ['3. East-West gateway and bookinfo in cluster-2', () => this.stepCluster2()],
      ['4. workspace and East-West setting', () => this.stepWorkspace()],
      ['5. failover to cluster-2 under load', () => this.stepFailover()],
      ['6. same-region caveat and the istio-locality overlay', () => this.stepSameRegion()],
      ['7. network reachability', () => this.stepReachability()],
    ];
  }

  /** Runs every step, naming the one that failed. */
  async run(): Promise<WalkthroughReport> {
    for (const [name, step] of this.steps()) {
      this.say(`\n== ${name}`);
      try {
        await step();
      } catch (err) {
        if (err instanceof StepFailed) throw err;
        throw new StepFailed(name, err instanceof Error ? err.message : String(err));
      }
      this.say(`   ok: ${name}`);
    }
    return this.report;
  }

  // ---- helpers over the CLI -------------------------------------------------------------------------------------

  /** One of the seed's kubectl commands against a cluster: real kubectl when configured, else meshbridge. */
  private kube(cluster: string, args: readonly string[], opts: { allowFail?: boolean } = {}) {
    // The runner sets KUBECONFIG to the local clusters' kubeconfig, so the command reads as the seed's.
    if (this.options.kubectl) return this.cli.program(this.options.kubectl, ['--context', cluster, ...args], opts);
    return this.cli.meshbridge(['--cluster', cluster, ...args], opts);
  }

  private async getJson(cluster: string, kind: string, namespace?: string): Promise<Kube[]> {
    const args = ['--cluster', cluster, 'get', kind, ...(namespace ? ['-n', namespace] : []), '-o', 'json'];
    const res = await this.cli.meshbridge(args, { quiet: true });
    const parsed = JSON.parse(res.stdout) as { items?: Kube[] };
    return parsed.items ?? [];
  }

  /** Waits until every deployment in the namespace reports all replicas ready. */
  private async waitDeploymentsReady(cluster: string, namespace: string, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const deps = await this.getJson(cluster, 'deployments', namespace);
      const pending = deps.filter((d) => {
        const spec = (d as unknown as { spec?: { replicas?: number } }).spec;
        const want = spec?.replicas ?? 1;
        const ready = Number((d.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0);
        return ready !== want;
      });
      if (deps.length > 0 && pending.length === 0) return;
      last = pending.map((d) => d.metadata.name).join(', ');
      await sleep(500);
    }
    throw new Error(`deployments in ${cluster}/${namespace} not ready after ${timeoutMs / 1000}s: ${last}`);
  }

  /**
   * The seed's `kubectl exec deploy/sleep -n bookinfo -- curl -s productpage.bookinfo:9080/productpage`, typed as the
   * seed types it: real kubectl execs into the sleep pod through the cluster API (the `exec` subresource), and curl
   * reaches productpage through the pod's sidecar. Without kubectl, `meshbridge --cluster C exec` runs it instead.
   */
  private async curlPage(cluster: string): Promise<string> {
    const res = await this.kube(cluster, ['exec', 'deploy/sleep', '-n', BOOKINFO, '--', 'curl', '-s', SEED_PAGE]);
    this.say('$ ... | grep -i details -A 8');
    for (const line of grepDetails(res.stdout)) this.say(`  ${line}`);
    return res.stdout;
  }

  /**
   * The sleep pod's proxy URL, credential included, read from the pod's own environment through `exec` (which the
   * cluster API authorizes): the sidecar refuses requests without the pod's secret.
   */
  private async sleepProxy(cluster: string): Promise<URL> {
    const args = ['exec', 'deploy/sleep', '-n', BOOKINFO, '--', 'printenv', 'http_proxy'];
    const res = this.options.kubectl
      ? await this.cli.program(this.options.kubectl, ['--context', cluster, ...args], { quiet: true })
      : await this.cli.meshbridge(['--cluster', cluster, ...args], { quiet: true });
    const text = res.stdout.trim();
    if (!text) throw new Error(`the sleep pod in ${cluster} has no http_proxy (no sidecar?)`);
    return new URL(text);
  }

  private async scale(cluster: string, deployment: string, replicas: number): Promise<void> {
    await this.kube(cluster, ['scale', 'deployment', deployment, '-n', BOOKINFO, `--replicas=${replicas}`]);
  }

  private async workloadEntries(cluster: string, print: boolean): Promise<WorkloadEntryRow[]> {
    if (print) {
      const table = await this.kube(cluster, ['get', 'we', '-n', BOOKINFO]);
      for (const line of table.stdout.trimEnd().split('\n')) this.say(`  ${line}`);
    }
    const items = await this.getJson(cluster, 'we', BOOKINFO);
    return items.map((we) => ({
      name: we.metadata.name,
      address: String((we as unknown as { spec?: { address?: string } }).spec?.address ?? ''),
    }));
  }

  private async waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value !== undefined) return value;
      await sleep(500);
    }
    throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
  }

  private writeTemp(name: string, text: string): string {
    const dir = join(this.options.home, 'demo-files');
    mkdirSync(dir, { recursive: true });
    const out = join(dir, name);
    writeFileSync(out, text);
    return out;
  }

  /** The seed's `kubectl create namespace bookinfo` + `kubectl label namespace bookinfo istio-injection=enabled`. */
  private async namespace(cluster: string): Promise<void> {
    if (this.options.kubectl) {
      await this.kube(cluster, ['create', 'namespace', BOOKINFO]);
      await this.kube(cluster, ['label', 'namespace', BOOKINFO, 'istio-injection=enabled']);
      return;
    }
    const ns = this.writeTemp(
      'bookinfo-namespace.yaml',
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${BOOKINFO}\n  labels:\n    istio-injection: enabled\n`,
    );
    await this.kube(cluster, ['apply', '-f', ns]);
  }

  // ---- the seed's steps -----------------------------------------------------------------------------------------

  private async stepBookinfoCluster1(): Promise<void> {
    await this.cli.meshbridge(['local', 'up']);
    await this.namespace(C1);
    await this.kube(C1, ['apply', '-n', BOOKINFO, '-f', this.file('bookinfo')]);
    await this.kube(C1, ['apply', '-n', BOOKINFO, '-f', this.file('sleep')]);
    await this.waitDeploymentsReady(C1, BOOKINFO);
    const page = await this.curlPage(C1);
    if (!showsBookDetails(page)) throw new StepFailed('1', 'the page does not show the Book Details block');
  }

  private async stepFailureWithoutFailover(): Promise<void> {
    await this.scale(C1, 'details-v1', 0);
    await this.waitFor('details-v1 to have no pods', async () => {
      const pods = await this.getJson(C1, 'pods', BOOKINFO);
      return pods.some((p) => p.metadata.labels?.app === 'details') ? undefined : true;
    });
    const broken = await this.curlPage(C1);
    if (!showsDetailsError(broken)) throw new StepFailed('2', 'the page does not show the details error block');
    await this.scale(C1, 'details-v1', 1);
    await this.waitDeploymentsReady(C1, BOOKINFO);
    const healed = await this.curlPage(C1);
    if (!showsBookDetails(healed)) throw new StepFailed('2', 'the page did not heal after scaling details-v1 back');
  }

  private async stepCluster2(): Promise<void> {
    await this.namespace(C2);
    await this.kube(C2, ['apply', '-f', this.file('eastWestGateway')]);
    await this.kube(C2, ['apply', '-n', BOOKINFO, '-f', this.file('bookinfo')]);
    await this.waitDeploymentsReady(C2, BOOKINFO);
    const addresses = await this.waitFor('the East-West gateway load balancer addresses', async () => {
      const svcs = await this.getJson(C2, 'services', BOOKINFO);
      const gw = svcs.find((s) => s.metadata.name === 'eastwest-gateway');
      const ingress = (gw?.status as { loadBalancer?: { ingress?: Array<{ ip?: string }> } } | undefined)?.loadBalancer
        ?.ingress;
      const ips = (ingress ?? []).map((i) => i.ip ?? '').filter(Boolean);
      return ips.length > 0 ? ips.sort() : undefined;
    });
    this.report.gatewayAddresses = addresses;
    this.say(`  eastwest-gateway addresses: ${addresses.join(', ')}`);
  }

  private async stepWorkspace(): Promise<void> {
    // The organization is the one `local up` registered; the examples add the tenant, workspace and setting.
    await this.cli.meshbridge(['apply', '-f', this.file('workspace')]);
    await this.cli.meshbridge(['apply', '-f', this.file('workspaceSetting')]);
    const wanted = ['details', 'productpage', 'ratings', 'reviews'];
    const gw = this.report.gatewayAddresses ?? [];
    const entries = await this.waitFor('WorkloadEntries for every bookinfo service in cluster-1', async () => {
      const byService = entriesByService(await this.workloadEntries(C1, false));
      const complete = wanted.every((s) => JSON.stringify(byService.get(s)) === JSON.stringify(gw));
      return complete ? byService : undefined;
    });
    await this.workloadEntries(C1, true);
    this.report.entries = entries;
  }

  private async stepFailover(): Promise<void> {
    const proxy = await this.sleepProxy(C1);
    const before = await fetchPage({ proxy, target: PAGE });
    if (!before.ok) throw new StepFailed('5', `the page fails before the failure: ${before.error ?? 'no details'}`);
    const load = startLoad({ proxy, target: PAGE, rate: 20 });
    await sleep(1000);
    await this.scale(C1, 'details-v1', 0);
    // Failover time counts from the moment the cluster accepted the change (the CLI's own start-up is not the mesh's).
    const eventAt = Date.now();
    await this.waitFor('details-v1 to have no pods', async () => {
      const pods = await this.getJson(C1, 'pods', BOOKINFO);
      return pods.some((p) => p.metadata.labels?.app === 'details') ? undefined : true;
    });
    await sleep(2000);
    const samples = await load.stop();
    const summary = summarise(samples, eventAt, C2);
    this.report.failover = summary;
    const page = await this.curlPage(C1);
    if (!showsBookDetails(page)) throw new StepFailed('5', 'the page lost Book Details with details-v1 at 0');
    const after = await fetchPage({ proxy, target: PAGE });
    this.say(`  details served by: ${after.detailsCluster ?? 'unknown'}`);
    this.say(
      `  under load: ${summary.sent} requests, ${summary.failed} failed, first answer from ${C2} ` +
        `${summary.timeToRemoteMs ?? '-'} ms after the scale command; served by ${JSON.stringify(summary.servedBy)}`,
    );
    if (after.detailsCluster !== C2)
      throw new StepFailed('5', `details was served by ${after.detailsCluster}, not ${C2}`);
    if (summary.failed > 0) {
      const reasons = [...new Set(samples.filter((x) => !x.ok).map((x) => x.error ?? 'no Book Details'))];
      throw new StepFailed(
        '5',
        `${summary.failed} of ${summary.sent} requests failed during failover (${reasons.slice(0, 3).join('; ')})`,
      );
    }
    const scaledBackAtMs = Date.now();
    await this.scale(C1, 'details-v1', 1);
    await this.waitDeploymentsReady(C1, BOOKINFO);
    this.report.recordedFailover = await showRecordedFailover({
      cli: this.cli,
      say: (line) => this.say(line),
      fetchDetails: async () => (await fetchPage({ proxy, target: PAGE })).detailsCluster,
      from: C1,
      to: C2,
      measured: summary,
      scaledBackAtMs,
    });
  }

  /** Counts, over `n` requests, which cluster served details. */
  private async servedBy(n: number): Promise<Record<string, number>> {
    const proxy = await this.sleepProxy(C1);
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const s = await fetchPage({ proxy, target: PAGE });
      const key = s.ok ? (s.detailsCluster ?? 'unknown') : 'failed';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  private async stepSameRegion(): Promise<void> {
    // Move cluster-2 into cluster-1's region by relabelling its node, as if both ran in eu-west-2.
    await this.kube(C2, [
      'label',
      'node',
      `${C2}-node`,
      'topology.kubernetes.io/region=eu-west-2',
      'topology.kubernetes.io/zone=eu-west-2a',
      '--overwrite',
    ]);
    const beforeOverlay = await this.waitFor('requests to reach cluster-2 while cluster-1 is healthy', async () => {
      const counts = await this.servedBy(20);
      return (counts[C2] ?? 0) > 0 ? counts : undefined;
    });
    this.say(`  same region, cluster-1 healthy: details served by ${JSON.stringify(beforeOverlay)}`);
    await this.kube(C2, ['apply', '-f', this.file('eastWestGatewayLocality')]);
    const podsAfterOverlay = await this.gatewayRolledOut('eu-remote-1');
    this.report.gatewayRollout = { podsAfterOverlay };
    this.say(`  gateway pods after the overlay: ${podsAfterOverlay.map(describePod).join(', ')}`);
    const afterOverlay = await this.waitFor('entries to take the eu-remote-1 locality', async () => {
      const counts = await this.servedBy(20);
      return (counts[C2] ?? 0) === 0 && (counts.failed ?? 0) === 0 ? counts : undefined;
    });
    this.say(`  with istio-locality eu-remote-1: details served by ${JSON.stringify(afterOverlay)}`);
    this.report.sameRegion = { beforeOverlay, afterOverlay };
    await this.scale(C1, 'details-v1', 0);
    const failedOver = await this.waitFor('cluster-2 to serve once cluster-1 has no details', async () => {
      const counts = await this.servedBy(5);
      return counts[C2] === 5 ? counts : undefined;
    });
    this.say(`  cluster-1 details gone: details served by ${JSON.stringify(failedOver)}`);
    await this.scale(C1, 'details-v1', 1);
    await this.waitDeploymentsReady(C1, BOOKINFO);
  }

  /** cluster-2's East-West gateway pods. */
  async gatewayPods(): Promise<GatewayPodState[]> {
    const pods = await this.getJson(C2, 'pods', BOOKINFO);
    return pods.filter((p) => p.metadata.labels?.app === 'eastwest-gateway').map((p) => podState(p));
  }

  /** Waits until the gateway has exactly one pod, Running and Ready, with the given `istio-locality` label. */
  async gatewayRolledOut(locality: string | undefined): Promise<GatewayPodState[]> {
    return this.waitFor('the gateway rollout to finish (new pod ready, old pod removed)', async () => {
      const pods = await this.gatewayPods();
      const done = pods.length === 1 && pods[0]?.ready === true && pods[0].locality === locality;
      return done ? pods : undefined;
    });
  }

  private async stepReachability(): Promise<void> {
    await this.cli.meshbridge(['apply', '-f', this.file('reachabilityOneWay')]);
    const gone = await this.waitFor('cluster-1 entries to be removed', async () => {
      const rows = await this.workloadEntries(C1, false);
      return entriesByService(rows).size === 0 ? rows.length : undefined;
    });
    await this.workloadEntries(C1, true);
    const explain = await this.cli.meshbridge(['explain', 'failover', 'details.bookinfo', '--from', C1]);
    for (const line of explain.stdout.trimEnd().split('\n')) this.say(`  ${line}`);
    if (!/reach/i.test(explain.stdout))
      throw new StepFailed('7', '`explain` does not say that the network is not reachable');
    await this.cli.meshbridge(['apply', '-f', this.file('reachabilityBoth')]);
    const back = await this.waitFor('cluster-1 entries to come back', async () => {
      const byService = entriesByService(await this.workloadEntries(C1, false));
      return byService.size === 4 ? [...byService.values()].reduce((n, l) => n + l.length, 0) : undefined;
    });
    await this.workloadEntries(C1, true);
    this.report.reachability = { entriesWithoutRule: gone, explain: explain.stdout, entriesWithRule: back };
  }

  /** The seed's clean-up (sleep removed in cluster-1; gateway, bookinfo and namespace in cluster-2), then `local down`. */
  async cleanup(): Promise<void> {
    await this.kube(C1, ['delete', '-n', BOOKINFO, '-f', this.file('sleep')], {
      allowFail: true,
    });
    await this.kube(C2, ['delete', 'ingressgateway', 'eastwest-gateway', '-n', BOOKINFO], {
      allowFail: true,
    });
    await this.kube(C2, ['delete', '-n', BOOKINFO, '-f', this.file('bookinfo')], {
      allowFail: true,
    });
    await this.kube(C2, ['delete', 'namespace', BOOKINFO], { allowFail: true });
    await this.cli.meshbridge(['local', 'down'], { allowFail: true });
  }
}

type ContainerStatus = { restartCount?: number; state?: { waiting?: { reason?: string } } };

/** A pod's phase, readiness, restarts and waiting reason, from its status. */
function podState(p: Kube): GatewayPodState {
  const status = (p.status ?? {}) as {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: ContainerStatus[];
  };
  const containers = status.containerStatuses ?? [];
  const waiting = containers.map((c) => c.state?.waiting?.reason).find((r) => r !== undefined);
  const locality = p.metadata.labels?.['istio-locality'];
  return {
    name: p.metadata.name,
    phase: status.phase ?? '',
    ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: containers.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    ...(waiting ? { waiting } : {}),
    ...(locality ? { locality } : {}),
  };
}

function describePod(p: GatewayPodState): string {
  return `${p.name} ${p.phase}${p.ready ? ' Ready' : ''}${p.waiting ? ` ${p.waiting}` : ''} (${p.restarts} restarts)`;
}
