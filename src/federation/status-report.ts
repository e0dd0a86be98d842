/**
 * What the controller reports after a reconcile (contract D `PUT /v2/status`): per WorkspaceSetting and cluster,
 * READY / PARTIAL / FAILED with a message, and per registered Cluster what was found there. Pure. A setting is
 * FAILED in a cluster where one of its objects failed to write or was refused as invalid against Istio's schema
 * (MB7007: the message names the object and the field path).
 */
import type { ReconcileResult } from './reconcile-result.js';
import { SETTING_ANNOTATION } from './generate.js';
import { describeDisagreement, gatewayLocality } from './gateway-locality.js';
import { describeRefusal } from './istio-schema.js';
import { PLAN_WARNINGS } from './plan.js';
import { fqnOf } from './selection.js';
import type { StatusReport } from './status.js';
import type { Cluster } from './types.js';

/** How many refused objects a status message names (the controller's log names every one). */
const MAX_REFUSALS_SAID = 5;

/** Builds the status of one reconcile: per WorkspaceSetting per cluster, and per Cluster. Pure. */
export function statusReports(input: {
  result: ReconcileResult;
  clusters: readonly Cluster[];
  settings: readonly { metadata: { organization?: string; tenant?: string; workspace?: string; name: string } }[];
  errors?: (cluster: string) => Error | undefined;
}): StatusReport[] {
  const { result } = input;
  const settings = input.settings.map((s): StatusReport => {
    const fqn = fqnOf('WorkspaceSetting', s.metadata);
    const clusters: StatusReport['clusters'] = {};
    for (const c of input.clusters) {
      const name = c.metadata.name;
      if (result.unsynced.includes(name)) {
        const why = input.errors?.(name)?.message;
        clusters[name] = { state: 'FAILED', message: `cannot list the cluster's objects${why ? `: ${why}` : ''}` };
        continue;
      }
      const mine = (result.plan.clusters[name] ?? []).filter(
        (o) => o.metadata.annotations?.[SETTING_ANNOTATION] === fqn,
      );
      const failed = (result.applied[name]?.failed ?? []).filter((f) => {
        const o = f.change.op === 'delete' ? f.change.current : f.change.object;
        return o.metadata?.annotations?.[SETTING_ANNOTATION] === fqn;
      });
      // Objects refused as invalid against Istio's schema: this setting's, and those that belong to no setting
      // (the mesh-wide trust-domain policy), which every setting's failover relies on.
      const refused = (result.applied[name]?.refused ?? []).filter((r) => {
        const owner = r.change.object.metadata?.annotations?.[SETTING_ANNOTATION];
        return owner === undefined || owner === fqn;
      });
      const gatewayProblems = result.plan.warnings.filter(
        (w) => w.cluster === name && w.code === PLAN_WARNINGS.noGatewayAddress,
      );
      if (failed.length > 0 || refused.length > 0) {
        clusters[name] = {
          state: 'FAILED',
          message: [
            ...refused.slice(0, MAX_REFUSALS_SAID).map((r) => describeRefusal(r.change.object, r.issues)),
            ...(refused.length > MAX_REFUSALS_SAID
              ? [`${refused.length - MAX_REFUSALS_SAID} more objects refused (see the controller's log)`]
              : []),
            ...failed.map((f) =>
              f.conflict ? `${f.error.message} (exists and is not managed by meshbridge)` : f.error.message,
            ),
          ].join('; '),
        };
      } else if (gatewayProblems.length > 0) {
        clusters[name] = { state: 'PARTIAL', message: gatewayProblems.map((w) => w.message).join('; ') };
      } else {
        const count = (k: string): number => mine.filter((o) => o.kind === k).length;
        // What this cluster's gateways export, so status shows the exposure, not only what clients received.
        const exported = mine.flatMap((o) => (o.kind === 'Gateway' ? o.spec.servers.flatMap((x) => x.hosts) : []));
        const exports =
          count('Gateway') > 0
            ? `; exports ${exported.length} service${exported.length === 1 ? '' : 's'} through ${count('Gateway')} Gateway${count('Gateway') === 1 ? '' : 's'}`
            : '';
        clusters[name] = {
          state: 'READY',
          message: `in sync: ${count('WorkloadEntry')} WorkloadEntries, ${count('ServiceEntry')} ServiceEntries, ${count('DestinationRule')} DestinationRules${exports}`,
        };
      }
    }
    return { kind: 'WorkspaceSetting', fqn, clusters };
  });
  return [...settings, ...clusterReports(input)];
}

/**
 * Per registered Cluster: what the controller found there (services, East-West gateway addresses), like TSB's
 * read-only cluster status. FAILED when its API could not be listed, PARTIAL when a gateway has no address yet.
 */
function clusterReports(input: { result: ReconcileResult; clusters: readonly Cluster[] }): StatusReport[] {
  return input.clusters.map((c) => {
    const name = c.metadata.name;
    const fqn = `organizations/${c.metadata.organization}/clusters/${name}`;
    if (input.result.unsynced.includes(name)) {
      return {
        kind: 'Cluster',
        fqn,
        clusters: { [name]: { state: 'FAILED', message: "cannot list the cluster's objects" } },
      };
    }
    const inv = input.result.inventories.find((i) => i.cluster === name);
    const gateways = (inv?.gateways ?? []).filter((g) => g.eastWestOnly);
    const noAddress = gateways.filter((g) => g.addresses.length === 0);
    const gw = gateways
      .map((g) => `${g.namespace}/${g.name} [${g.addresses.map((a) => a.value).join(', ') || 'no address yet'}]`)
      .join('; ');
    // Ready gateway pods that disagree on their locality (mid-rollout, or replicas labelled differently) are said,
    // not failed: the entries follow the newest ready pod.
    const disagreements = gateways.flatMap(
      (g) =>
        describeDisagreement(`${g.namespace}/${g.name}`, gatewayLocality(g.pods, inv?.locality ?? NO_LOCALITY)) ?? [],
    );
    const message =
      `${inv?.services.filter((s) => !s.gateway).length ?? 0} services; East-West gateways: ${gw || 'none'}` +
      disagreements.map((d) => `; ${d}`).join('');
    return {
      kind: 'Cluster',
      fqn,
      clusters: { [name]: { state: noAddress.length > 0 ? 'PARTIAL' : 'READY', message } },
    };
  });
}

const NO_LOCALITY = { region: '', zone: '', subzone: '' };
