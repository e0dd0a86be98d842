/**
 * East-West settings against the gateways of the same set: when the documents define IngressGateways in the
 * namespace a WorkspaceSetting's `workloadSelector` names, one of them must run pods with the selected labels
 * (after its overlays), or no service will be exposed and failover silently never happens. Typically a typo in
 * the labels (`app: eastwest-gateway` vs a gateway named `east-west-gateway`).
 */
import { gatewayBaseObjects } from '../gateway.js';
import { makeIssue, type Issue } from '../issues.js';
import type { IngressGateway } from '../kinds/install/ingress-gateway.js';
import type { WorkspaceSetting } from '../kinds/tsb/workspace-setting.js';
import { applyOverlays } from '../overlay/apply.js';

/** The labels of the pods a gateway runs, its overlays applied (the seed's overlay adds `istio-locality`). */
function podLabels(gw: IngressGateway): Record<string, string> {
  const { deployment } = gatewayBaseObjects(gw);
  const patched = applyOverlays(deployment, gw.spec?.kubeSpec?.overlays ?? []);
  const d = patched.ok ? patched.value : deployment;
  return d.spec.template.metadata?.labels ?? {};
}

/** Warnings for each East-West setting of `ws` that selects none of `gateways` in a namespace where some exist. */
export function checkGatewaySelection(ws: WorkspaceSetting, gateways: readonly IngressGateway[]): Issue[] {
  const out: Issue[] = [];
  (ws.spec?.defaultEastWestGatewaySettings ?? []).forEach((setting, i) => {
    const { namespace, labels } = setting.workloadSelector;
    const candidates = gateways.filter((g) => (g.metadata.namespace ?? '') === namespace);
    if (candidates.length === 0) return;
    const selects = candidates.some((g) => {
      const pod = podLabels(g);
      return Object.entries(labels).every(([k, v]) => pod[k] === v);
    });
    if (!selects)
      out.push(
        makeIssue(
          'SELECTS_NO_GATEWAY',
          `spec.defaultEastWestGatewaySettings[${i}].workloadSelector`,
          `selects none of the gateways defined in namespace ${namespace} (${candidates.map((g) => `${g.metadata.name ?? ''}: app=${podLabels(g).app ?? ''}`).join(', ')})`,
          { kind: ws.kind, name: ws.metadata.name },
        ),
      );
  });
  return out;
}
