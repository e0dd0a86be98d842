/**
 * The remote-service prober of an embedded cluster: every interval, each WorkloadEntry the federation wrote for a
 * remote copy of a service is probed through its gateway address (src/mesh/probe), and the entry's `Healthy`
 * condition (Istio's, on its status) follows the results, so this cluster's mesh sends a dead gateway address or
 * a dead remote service as `UNHEALTHY` in EDS and clients skip it before any request fails. Transitions are
 * recorded as Events on the entry (`RemoteProbeFailed`, `RemoteProbeSucceeded`). The status is written only when
 * the verdict changes, so probing costs the mesh nothing while nothing changes.
 *
 * `MESHBRIDGE_PROBE_INTERVAL` sets the interval (a duration, default `2s`; `0` turns probing off).
 */
import { issueWorkloadCert, type CertificateAuthority } from '../identity/index.js';
import { durationToMs } from '../api/duration.js';
import type { Service, WorkloadEntry } from '../mesh/inputs.js';
import { probeOnce, type ProbeTls } from '../mesh/probe/probe.js';
import { probeTargets, type ProbeTarget } from '../mesh/probe/targets.js';
import {
  conditionFor,
  HEALTHY_CONDITION,
  initialState,
  nextState,
  type ProbeResult,
  type ProbeState,
} from '../mesh/probe/verdict.js';
import { PROBE_SERVICE_ACCOUNT } from '../xds/index.js';
import type { EventSink } from './events/recorder.js';
import { regardingOf } from './events/recorder.js';
import type { ClusterStore } from './store/cluster-store.js';
import type { StoredObject } from './store/types.js';
import { rec, recs, SERVICES, WORKLOAD_ENTRIES } from './controllers/refs.js';
import { healthyCondition } from '../api/index.js';

/**
 * At most this many probes in flight: each is a TLS handshake here, at the remote gateway's pod and at a remote
 * sidecar, and a round that starts them all at once is a burst of CPU on every side (on a 2-core machine under
 * load, bursts like it pushed requests past their timeouts). A round over many entries may outlast the interval;
 * rounds never overlap.
 */
const CONCURRENCY = 4;
const CERT_LIFETIME_MS = 24 * 3_600_000;

/** The probe interval from the environment: milliseconds, 0 when probing is off. */
export function probeIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env['MESHBRIDGE_PROBE_INTERVAL'];
  if (text === undefined || text === '') return 2000;
  if (text.trim() === '0') return 0;
  const ms = durationToMs(text);
  if (ms === undefined || ms < 100) {
    throw new Error(`MESHBRIDGE_PROBE_INTERVAL=${JSON.stringify(text)}: expected a duration of at least 100ms, or 0`);
  }
  return ms;
}

/** Options of {@link startRemoteProbes}. */
export interface RemoteProbeOptions {
  readonly store: ClusterStore;
  readonly ca: CertificateAuthority;
  readonly trustDomain: string;
  readonly events: EventSink;
  readonly intervalMs: number;
  /** Per-probe timeout (default: the interval, at most 2 s). */
  readonly timeoutMs?: number;
  /**
   * Over how long a round spreads its probes (default: half the interval), so they never arrive as one burst.
   * Tests pass 0.
   */
  readonly spreadMs?: number;
  /** The probe itself (tests substitute a fake; default the real one). */
  readonly probe?: (target: ProbeTarget, tls: ProbeTls, timeoutMs: number) => Promise<ProbeResult>;
}

/** A running prober. */
export interface RemoteProbes {
  /** One round now (tests); resolves when its writes are done. */
  round(): Promise<void>;
  stop(): void;
}

/** Starts probing every `intervalMs`. */
export function startRemoteProbes(o: RemoteProbeOptions): RemoteProbes {
  const states = new Map<string, ProbeState>();
  let material: { tls: ProbeTls; renewAt: number } | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const probe = o.probe ?? ((t, m, timeoutMs) => probeOnce(t, m, timeoutMs));
  const timeoutMs = o.timeoutMs ?? Math.min(2000, Math.max(200, o.intervalMs));

  const tlsMaterial = async (): Promise<ProbeTls> => {
    if (material && Date.now() < material.renewAt) return material.tls;
    const issued = await issueWorkloadCert({
      ca: o.ca,
      identity: { trustDomain: o.trustDomain, namespace: 'istio-system', serviceAccount: PROBE_SERVICE_ACCOUNT },
      lifetimeMs: CERT_LIFETIME_MS,
    });
    material = {
      tls: { certPem: issued.certPem, keyPem: issued.keyPem, rootPem: o.ca.certPem },
      renewAt: Date.now() + CERT_LIFETIME_MS / 2,
    };
    return material.tls;
  };

  const doRound = async (): Promise<void> => {
    const services = o.store.list(SERVICES) as unknown as Service[];
    const entries = o.store.list(WORKLOAD_ENTRIES) as unknown as WorkloadEntry[];
    const targets = probeTargets(services, entries);
    const live = new Set(targets.map((t) => t.entry));
    for (const key of [...states.keys()]) if (!live.has(key)) states.delete(key);
    if (targets.length === 0) return;
    const tls = await tlsMaterial();
    const results = new Map<string, ProbeResult>();
    let next = 0;
    const started = Date.now();
    const spread = o.spreadMs ?? o.intervalMs / 2;
    const worker = async (): Promise<void> => {
      while (next < targets.length && !stopped) {
        const i = next++;
        const t = targets[i]!;
        const wait = started + (spread * i) / targets.length - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait).unref());
        if (stopped) return;
        const r = await probe(t, tls, timeoutMs);
        // An entry is healthy when every port's probe passes; the first failure is the one reported.
        const seen = results.get(t.entry);
        if (!seen || (seen.ok && !r.ok)) results.set(t.entry, r);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, targets.length) }, worker));
    if (stopped) return;
    for (const [entry, result] of results) record(entry, result);
  };

  const record = (entry: string, result: ProbeResult): void => {
    const before = states.get(entry) ?? initialState();
    const after = nextState(before, result.ok);
    states.set(entry, after);
    const [namespace = '', name = ''] = entry.split('/');
    let changed: { obj: StoredObject; healthy: boolean; message: string } | undefined;
    o.store.transaction((w) => {
      const current = w.get(WORKLOAD_ENTRIES, namespace, name);
      if (!current) return;
      const status = rec(current['status']);
      const conditions = recs(status['conditions']);
      const previous = healthyCondition(status);
      const condition = conditionFor(after, result, previous, new Date());
      // Only a change of verdict (or of its reason) is written: probe times alone would re-translate the mesh.
      if (previous && previous.status === condition.status && previous.reason === condition.reason) return;
      // (An entry without a condition gets one at its first probe, so `kubectl get we -o yaml` shows probing.)
      const others = conditions.filter((c) => c['type'] !== HEALTHY_CONDITION);
      const updated = { ...current, status: { ...status, conditions: [...others, condition] } };
      w.update(WORKLOAD_ENTRIES, updated);
      if (previous?.status !== condition.status && (previous !== undefined || condition.status === 'False')) {
        changed = { obj: current, healthy: condition.status === 'True', message: condition.message };
      }
    });
    if (changed) {
      o.events.record({
        regarding: regardingOf(changed.obj),
        type: changed.healthy ? 'Normal' : 'Warning',
        reason: changed.healthy ? 'RemoteProbeSucceeded' : 'RemoteProbeFailed',
        message: changed.message,
        component: 'remote-prober',
      });
    }
  };

  const round = (): Promise<void> => {
    running ??= doRound()
      .catch((err: unknown) => {
        process.stderr.write(`remote probes: ${err instanceof Error ? err.message : String(err)}\n`);
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void round(), o.intervalMs);
  timer.unref();
  return {
    round,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
