/**
 * IngressGateway overlays: every overlay must name a generated object (its Deployment or Service), every patch
 * path must parse and apply, and the patched objects must still be valid (a label patched to a number would make
 * the gateway's Deployment unappliable later, far from the mistake).
 */
import { gatewayBaseObjects } from '../gateway.js';
import { makeIssue, type Issue } from '../issues.js';
import { SCHEMAS } from '../kinds/index.js';
import type { IngressGateway } from '../kinds/install/ingress-gateway.js';
import { applyOverlays } from '../overlay/apply.js';
import { fromZodIssues } from '../zod-issues.js';
import { checkDeployment, checkService } from './k8s.js';

type Who = { kind: string; name?: string | undefined };

/** Checks an IngressGateway's overlays against the objects it generates. */
export function checkIngressGateway(gw: IngressGateway, who: Who): Issue[] {
  const overlays = gw.spec?.kubeSpec?.overlays ?? [];
  if (overlays.length === 0) return [];
  const owner = { kind: who.kind, ...(who.name !== undefined ? { name: who.name } : {}) };
  const { deployment, service } = gatewayBaseObjects(gw);
  const out: Issue[] = [];
  overlays.forEach((o, i) => {
    const target = [deployment, service].find((obj) => obj.kind === o.kind && obj.metadata.name === o.name);
    if (!target)
      out.push(
        makeIssue(
          'OVERLAY_TARGET_NOT_FOUND',
          `spec.kubeSpec.overlays[${i}]`,
          `no generated object is ${o.kind}/${o.name}; this gateway generates Deployment/${deployment.metadata.name} and Service/${service.metadata.name}`,
          owner,
        ),
      );
  });
  const patched = (obj: { kind: string; metadata: { name?: string } }, apply: typeof deployment | typeof service) => {
    const result = applyOverlays(apply, overlays, { owner });
    if (!result.ok) {
      out.push(...result.issues);
      return undefined;
    }
    return result.matched === 0 ? undefined : result.value;
  };
  const invalid = (obj: { kind: string; metadata: { name?: string } }, problems: Issue[]) => {
    const first = overlays.findIndex((o) => o.kind === obj.kind && o.name === obj.metadata.name);
    for (const issue of problems.filter((p) => p.severity === 'error'))
      out.push(
        makeIssue(
          'OVERLAY_CANNOT_APPLY',
          `spec.kubeSpec.overlays[${first}]`,
          `the patched ${obj.kind}/${obj.metadata.name ?? ''} would be invalid: ${issue.path}: ${issue.message}`,
          owner,
        ),
      );
  };
  // The patched objects must pass their schema and their own rules: Kubernetes would refuse them otherwise.
  const d = patched(deployment, deployment);
  if (d) {
    const parsed = SCHEMAS.Deployment.safeParse(d);
    invalid(
      deployment,
      parsed.success ? checkDeployment(parsed.data, { kind: 'Deployment' }) : fromZodIssues(parsed.error.issues, d, {}),
    );
  }
  const s = patched(service, service);
  if (s) {
    const parsed = SCHEMAS.Service.safeParse(s);
    invalid(
      service,
      parsed.success ? checkService(parsed.data, { kind: 'Service' }) : fromZodIssues(parsed.error.issues, s, {}),
    );
  }
  return out;
}
