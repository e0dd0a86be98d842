/**
 * `meshbridge drill start SERVICE.NS --cluster C [--duration 60s]` and `meshbridge drill stop SERVICE.NS --cluster
 * C`: a failover drill (src/mesh/drill.ts). `start` annotates the Service in cluster C, so the mesh sends its
 * endpoints there as DRAINING and clients in C fail over to the other clusters while no pod is touched; it stays in
 * the foreground renewing the drill's lease, ends it after the duration or on Ctrl-C, and points at the episode
 * the flight recorder kept: its report (time to fail over, requests failed, time to fail back), read from the
 * management plane once the proxies' records reach it. If the CLI dies, the lease runs out and the cluster's drill controller ends the drill.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { resolveKindName } from '../../api/index.js';
import {
  DRILL_LEASE_MS,
  DRILL_RENEW_MS,
  drillActive,
  drillAnnotations,
  drillOf,
  endDrillPatch,
} from '../../api/drill-lease.js';
import { parseDrillDuration } from '../../api/failover-drill.js';
import type { KubeRest } from '../../kube/rest.js';
import { clusterClient, kindPath } from './cluster-client.js';
import { formatHistory, type WireEpisode } from './history-format.js';
import { formatDrillRuns, type WireDrillRun } from './drill-format.js';
import { connect, withMgmtConnection, type MgmtConnectionOptions } from './mgmt-client.js';
import { clusterOf, runClusterCommand } from './cluster-shared.js';

/** Pure: `details.bookinfo` -> name and namespace. */
export function parseServiceRef(text: string): { name: string; namespace: string } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(text);
  if (!m) throw new Error(`invalid service "${text}": expected SERVICE.NAMESPACE, e.g. details.bookinfo`);
  return { name: m[1] as string, namespace: m[3] as string };
}

type ServiceJson = { metadata?: { annotations?: Record<string, string> } };

function servicePath(ref: { name: string; namespace: string }): string {
  const kind = resolveKindName('service');
  if (!kind) throw new Error('the service kind is not known');
  return kindPath(kind, ref.namespace, ref.name);
}

async function currentDrill(client: KubeRest, path: string) {
  const svc = await client.request<ServiceJson>('GET', path);
  return drillOf(svc.metadata?.annotations);
}

const patch = (client: KubeRest, path: string, body: unknown) =>
  client.request('PATCH', path, { body, contentType: 'application/merge-patch+json' });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How long the report waits for the proxies' records to reach the management plane (pulled every 2 s). */
const REPORT_WAIT_MS = 15_000;

/**
 * The drill's report: the closed episode the flight recorders of clients in `cluster` recorded for the service
 * since the drill started, as `meshbridge history` prints it. Undefined when there is no management plane to ask
 * or no episode came (no client called the service during the drill).
 */
async function drillReport(
  service: string,
  cluster: string,
  startedAt: number,
  opts: MgmtConnectionOptions,
): Promise<string | undefined> {
  let client: ReturnType<typeof connect>;
  try {
    client = connect(opts);
  } catch {
    return undefined;
  }
  const query = new URLSearchParams({ service, cluster }).toString();
  const deadline = Date.now() + REPORT_WAIT_MS;
  let open: WireEpisode | undefined;
  for (;;) {
    const body = await client
      .request<{ episodes: WireEpisode[] }>('GET', `/v2/failover/events?${query}`)
      .catch(() => undefined);
    // The recorders' clocks are the machine's, the drill's too; a second of slack for the first event's timing.
    const since = body?.episodes.filter((e) => e.startedAtMs >= startedAt - 1000) ?? [];
    const closed = since.filter((e) => !e.open).pop();
    open = since.filter((e) => e.open).pop() ?? open;
    // Still failed over at the deadline (e.g. an ejection outlasting the drill): the open episode says so.
    const episode = closed ?? (Date.now() >= deadline ? open : undefined);
    if (episode) {
      // The table of `meshbridge history`, under a head of its own.
      const table = formatHistory(service, [episode], 0).split('\n').slice(1).join('\n');
      return `drill report (${service}, clients in ${cluster}):\n${table}`;
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(1000);
  }
}

/**
 * Reports the run to the management plane, where `meshbridge drill list` and the UI keep it with its report. Best
 * effort: a drill runs without a management plane (or with a token that may not record runs), and says so.
 */
async function recordRun(id: string, run: object, opts: MgmtConnectionOptions): Promise<void> {
  try {
    await connect(opts).request('PUT', `/v2/failover/drills/${id}`, run);
  } catch (err) {
    process.stderr.write(`note: the run is not recorded in the management plane: ${(err as Error).message}\n`);
  }
}

interface ListOptions extends MgmtConnectionOptions {
  cluster?: string;
  limit?: string;
  output?: string;
}

async function listDrills(serviceArg: string | undefined, opts: ListOptions): Promise<void> {
  if (opts.output !== undefined && opts.output !== 'json') throw new Error(`-o must be json, got ${opts.output}`);
  const query = new URLSearchParams();
  if (serviceArg !== undefined) {
    const ref = parseServiceRef(serviceArg);
    query.set('service', `${ref.name}.${ref.namespace}`);
  }
  if (opts.cluster !== undefined) query.set('cluster', opts.cluster);
  if (opts.limit !== undefined) query.set('limit', opts.limit);
  const body = await connect(opts).request<{ drills: WireDrillRun[] }>('GET', `/v2/failover/drills?${query}`);
  if (opts.output === 'json') process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  else process.stdout.write(`${formatDrillRuns(body.drills, Date.now())}\n`);
}

async function startDrill(
  serviceArg: string,
  opts: { duration: string } & MgmtConnectionOptions,
  cmd: Command,
): Promise<void> {
  const cluster = clusterOf(cmd, 'drill start');
  const ref = parseServiceRef(serviceArg);
  const durationMs = parseDrillDuration(opts.duration);
  const client = clusterClient(cluster);
  const path = servicePath(ref);
  const label = `${ref.name}.${ref.namespace} in ${cluster}`;
  const running = await currentDrill(client, path);
  if (running && drillActive(running, Date.now())) {
    throw new Error(
      `a drill (${running.id || 'unnamed'}) of ${label} runs until ${running.until.toISOString()}: ` +
        `end it with \`meshbridge drill stop ${ref.name}.${ref.namespace} --cluster ${cluster}\``,
    );
  }
  const id = `drill-${randomBytes(4).toString('hex')}`;
  const startedAt = Date.now();
  const end = startedAt + durationMs;
  const lease = () => ({
    metadata: { annotations: drillAnnotations(id, new Date(Math.min(end, Date.now() + DRILL_LEASE_MS))) },
  });
  await patch(client, path, lease());
  const service = `${ref.name}.${ref.namespace}`;
  const record = { service, cluster, startedAtMs: startedAt, endsAtMs: end };
  await recordRun(id, record, opts);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`${id}: ${label} drained until ${new Date(end).toISOString()} (no pod is touched)`);
  out('  clients in that cluster now fail over to the other clusters; Ctrl-C ends the drill early');
  let interrupted = false;
  const onSignal = () => (interrupted = true);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let reason = 'its duration passed';
  let renewAt = startedAt + DRILL_RENEW_MS;
  try {
    while (!interrupted && Date.now() < end) {
      await sleep(Math.min(200, end - Date.now()));
      if (interrupted || Date.now() >= end || Date.now() < renewAt) continue;
      renewAt = Date.now() + DRILL_RENEW_MS;
      try {
        const now = await currentDrill(client, path);
        if (!now || now.id !== id) {
          reason = 'it was stopped by `meshbridge drill stop`';
          break;
        }
        await patch(client, path, lease());
      } catch (err) {
        // The API may be restarting; the lease leaves 10 s to try again.
        process.stderr.write(`warning: could not renew ${id}: ${(err as Error).message}\n`);
      }
    }
    if (interrupted) reason = 'it was interrupted';
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    const now = await currentDrill(client, path).catch(() => undefined);
    if (now?.id === id) await patch(client, path, endDrillPatch());
    const endedAtMs = Date.now();
    const seconds = Math.round((endedAtMs - startedAt) / 100) / 10;
    out(`${id} ended after ${seconds} s (${reason}): ${label} takes its traffic back`);
    await recordRun(id, { ...record, endedAtMs, endReason: reason }, opts);
  }
  const report = await drillReport(service, cluster, startedAt, opts);
  if (report) out(report);
  else
    out(
      `  no episode recorded yet (did a client call it during the drill?): meshbridge history ${service} --cluster ${cluster}`,
    );
}

async function stopDrill(serviceArg: string, cmd: Command): Promise<void> {
  const cluster = clusterOf(cmd, 'drill stop');
  const ref = parseServiceRef(serviceArg);
  const client = clusterClient(cluster);
  const path = servicePath(ref);
  const running = await currentDrill(client, path);
  if (!running) {
    process.stdout.write(`no drill of ${ref.name}.${ref.namespace} in ${cluster}\n`);
    return;
  }
  await patch(client, path, endDrillPatch());
  process.stdout.write(
    `${running.id || 'drill'} stopped: ${ref.name}.${ref.namespace} in ${cluster} takes its traffic back\n`,
  );
}

export function registerDrill(program: Command): void {
  const drill = program
    .command('drill')
    .description('rehearse a failover: drain a service in one cluster at the mesh level, no pod touched');
  withMgmtConnection(
    drill
      .command('start')
      .description('drain SERVICE.NS in the cluster given with --cluster for a while, then give its traffic back')
      .argument('<service>', 'SERVICE.NAMESPACE, e.g. details.bookinfo')
      .option('--duration <duration>', 'how long the drill lasts (e.g. 60s, 2m, 1m30s)', '60s'),
  ).action((service: string, opts: { duration: string } & MgmtConnectionOptions, cmd: Command) =>
    runClusterCommand(() => startDrill(service, opts, cmd)),
  );
  withMgmtConnection(
    drill
      .command('list')
      .description('drill runs, newest first, with their reports (time to fail over, requests failed, failback)')
      .argument('[service]', 'only runs of SERVICE.NAMESPACE')
      .option('--cluster <name>', 'only runs that drained this cluster')
      .option('--limit <n>', 'the newest N runs (1-200, default 20)')
      .option('-o, --output <format>', 'json for the runs as the API returns them'),
  ).action((service: string | undefined, opts: ListOptions) => listDrills(service, opts));
  drill
    .command('stop')
    .description('end the drill of SERVICE.NS in the cluster given with --cluster')
    .argument('<service>', 'SERVICE.NAMESPACE')
    .action((service: string, _opts: unknown, cmd: Command) => runClusterCommand(() => stopDrill(service, cmd)));
}
