/**
 * Rules within one mesh object (Istio, TSB, install) beyond their schemas, mostly warnings about settings that
 * are valid but rarely what was meant.
 */
import { makeIssue, type Issue } from '../issues.js';
import type { DestinationRule, TrafficPolicy } from '../kinds/istio/destination-rule.js';
import type { WorkspaceSetting } from '../kinds/tsb/workspace-setting.js';
import type { ServiceEntry } from '../kinds/istio/service-entry.js';
import { formatPath, type PathSegment } from '../path.js';
import { parseFailoverAnnotations } from '../failover-policy.js';

type Who = { kind: string; name?: string | undefined };

function policyFailover(policy: TrafficPolicy | undefined, at: PathSegment[], who: Who): Issue[] {
  const lb = policy?.loadBalancer?.localityLbSetting;
  const fails = (lb?.failover?.length ?? 0) > 0 || (lb?.failoverPriority?.length ?? 0) > 0;
  if (!fails || policy?.outlierDetection !== undefined) return [];
  // Envoy only moves traffic to a lower priority when hosts of the higher one are ejected or unhealthy; without
  // outlier detection a failing local endpoint is never ejected, so failover never happens.
  return [
    makeIssue(
      'FAILOVER_WITHOUT_OUTLIER_DETECTION',
      formatPath([...at, 'loadBalancer', 'localityLbSetting']),
      'locality failover has no effect without outlierDetection in the same traffic policy',
      who,
    ),
  ];
}

/** Checks a DestinationRule: locality failover needs outlier detection; subset names unique. */
export function checkDestinationRule(dr: DestinationRule, who: Who): Issue[] {
  const out = policyFailover(dr.spec.trafficPolicy, ['spec', 'trafficPolicy'], who);
  // meshbridge's failover annotations (a FailoverPolicy's, or written by hand): a bad one is refused here rather
  // than silently ignored by the mesh.
  for (const e of parseFailoverAnnotations(dr.metadata?.annotations).errors) {
    out.push(makeIssue('INVALID_VALUE', formatPath(['metadata', 'annotations', e.annotation]), e.message, who));
  }
  const seen = new Set<string>();
  (dr.spec.subsets ?? []).forEach((s, i) => {
    if (seen.has(s.name))
      out.push(
        makeIssue(
          'DUPLICATE_NAME',
          formatPath(['spec', 'subsets', i, 'name']),
          `subset ${JSON.stringify(s.name)} defined twice`,
          who,
        ),
      );
    seen.add(s.name);
    out.push(...policyFailover(s.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy'], who));
  });
  return out;
}

/** Checks a ServiceEntry: port numbers and names unique. */
export function checkServiceEntry(se: ServiceEntry, who: Who): Issue[] {
  const out: Issue[] = [];
  const names = new Set<string>();
  const numbers = new Set<number>();
  (se.spec.ports ?? []).forEach((p, i) => {
    if (names.has(p.name))
      out.push(
        makeIssue(
          'DUPLICATE_NAME',
          formatPath(['spec', 'ports', i, 'name']),
          `port name ${JSON.stringify(p.name)} used twice`,
          who,
        ),
      );
    if (numbers.has(p.number))
      out.push(
        makeIssue('DUPLICATE_NAME', formatPath(['spec', 'ports', i, 'number']), `port ${p.number} used twice`, who),
      );
    names.add(p.name);
    numbers.add(p.number);
  });
  return out;
}

/** Checks a WorkspaceSetting: warns when an East-West setting exposes every service of the workspace. */
export function checkWorkspaceSetting(ws: WorkspaceSetting, who: Who): Issue[] {
  const out: Issue[] = [];
  (ws.spec?.defaultEastWestGatewaySettings ?? []).forEach((s, i) => {
    if ((s.exposedServices?.length ?? 0) === 0)
      out.push(
        makeIssue(
          'EXPOSES_EVERYTHING',
          formatPath(['spec', 'defaultEastWestGatewaySettings', i]),
          'no exposedServices: every service of the workspace is exposed through this East-West gateway',
          who,
        ),
      );
  });
  return out;
}
