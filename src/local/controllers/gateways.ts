/**
 * IngressGateway controller: realises each gateway as a Deployment named after it, whose pods (labels
 * `app: <name>`, `istio: eastwestgateway` for `eastWestOnly` gateways, else `istio: ingressgateway`) run the
 * built-in gateway image, plus a LoadBalancer Service (port 15443 for East-West gateways).
 * `spec.kubeSpec.overlays` are applied to both, so e.g. `spec.template.metadata.labels.istio-locality` lands on the
 * pods. Re-applying the gateway updates the Deployment, which rolls its pods.
 *
 * Load balancers: every `type: LoadBalancer` Service gets `status.loadBalancer.ingress` — the addresses of the
 * `xcp.tetrate.io/cluster-external-addresses` annotation (comma separated) when present, else three loopback IPs
 * `127.<block>.<200+g>.{1,2,3}` (g = the lowest block of three not used by another Service).
 */
import { GATEWAY_IMAGE, gatewayBaseObjects, type IngressGateway } from '../../api/index.js';
import { applyObjectOverlays, type Overlay } from '../model.js';
import type { ClusterInfo } from '../config.js';
import type { ClusterStore } from '../store/cluster-store.js';
import type { StoredObject } from '../store/types.js';
import { DEPLOYMENTS, INGRESS_GATEWAYS, SERVICES, rec, recs, same, strMap } from './refs.js';

/** The image of gateway pods (the resource model's); the pod runner starts the mesh's gateway process for it. */
export { GATEWAY_IMAGE };
/** The gateway process's admin port (readiness at `/ready`). */
export const GATEWAY_ADMIN_PORT = 15000;
/** Annotation naming a gateway's external addresses explicitly. */
export const EXTERNAL_ADDRESSES = 'xcp.tetrate.io/cluster-external-addresses';

/**
 * Pure: the Deployment and Service an IngressGateway stands for — the resource model's base objects plus what a
 * running cluster adds (owner references, the `istio` label, a readiness probe on the first port, the
 * external-address annotation) — with `kubeSpec.overlays` applied, or the overlay problems.
 */
export function gatewayObjects(
  gw: StoredObject,
): { deployment: StoredObject; service: StoredObject } | { error: string } {
  const name = gw.metadata.name;
  const eastWest = rec(gw.spec).eastWestOnly === true;
  const base = gatewayBaseObjects(gw as unknown as IngressGateway);
  const owner = [
    {
      apiVersion: gw.apiVersion,
      kind: 'IngressGateway',
      name,
      uid: gw.metadata.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
  const istio = { istio: eastWest ? 'eastwestgateway' : 'ingressgateway' };
  const d = base.deployment as unknown as StoredObject;
  const spec = rec(d.spec);
  const template = rec(spec.template);
  const podSpec = rec(template.spec);
  // Ready once the gateway has its xDS configuration: its admin endpoint (contract C: MB_ADMIN_PORT, default
  // 15000, on the pod IP) answers /ready with 200 then. Its TLS port listens on the load-balancer addresses only.
  const containers = recs(podSpec.containers).map((c, i) =>
    i === 0 ? { ...c, readinessProbe: { httpGet: { path: '/ready', port: GATEWAY_ADMIN_PORT }, periodSeconds: 2 } } : c,
  );
  const deployment: StoredObject = {
    ...d,
    metadata: { ...d.metadata, labels: { ...strMap(d.metadata.labels), ...istio }, ownerReferences: owner },
    spec: {
      ...spec,
      template: {
        ...template,
        metadata: { ...rec(template.metadata), labels: { ...strMap(rec(template.metadata).labels), ...istio } },
        spec: { serviceAccountName: `${name}-service-account`, ...podSpec, containers },
      },
    },
  };
  const svc = base.service as unknown as StoredObject;
  const external = strMap(gw.metadata.annotations)[EXTERNAL_ADDRESSES];
  const annotations = { ...strMap(svc.metadata.annotations), ...(external ? { [EXTERNAL_ADDRESSES]: external } : {}) };
  const service: StoredObject = {
    ...svc,
    metadata: {
      ...svc.metadata,
      labels: { ...strMap(svc.metadata.labels), ...istio },
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: owner,
    },
  };
  const overlays = recs(rec(rec(gw.spec).kubeSpec).overlays) as unknown as Overlay[];
  const who = { kind: 'IngressGateway', name };
  const od = applyObjectOverlays(deployment, overlays, who);
  const os = applyObjectOverlays(service, overlays, who);
  if (!od.ok || !os.ok) {
    const issues = [...(od.ok ? [] : od.issues), ...(os.ok ? [] : os.issues)];
    return { error: issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
  }
  return { deployment: od.value, service: os.value };
}

function upsert(store: ClusterStore, ref: typeof SERVICES, desired: StoredObject): void {
  const current = store.get(ref, desired.metadata.namespace, desired.metadata.name);
  if (!current) {
    store.create(ref, desired);
    return;
  }
  const { metadata: _m, status: _s, ...want } = desired;
  const { metadata: _cm, status: _cs, ...have } = current;
  const metaSame =
    same(current.metadata.labels, desired.metadata.labels) &&
    same(current.metadata.annotations, desired.metadata.annotations) &&
    same(current.metadata.ownerReferences, desired.metadata.ownerReferences);
  if (same(want, have) && metaSame) return;
  store.update(ref, {
    ...current,
    ...want,
    metadata: {
      ...current.metadata,
      labels: desired.metadata.labels,
      annotations: desired.metadata.annotations,
      ownerReferences: desired.metadata.ownerReferences,
      generation: (current.metadata.generation ?? 1) + (same(want, have) ? 0 : 1),
    },
  });
}

/** Annotation on an IngressGateway carrying why it could not be realised (e.g. a bad overlay path). */
export const GATEWAY_ERROR = 'meshbridge.io/gateway-error';

/** Realises every East-West IngressGateway; records overlay problems in the GATEWAY_ERROR annotation. */
export function reconcileGateways(store: ClusterStore): void {
  for (const gw of store.list(INGRESS_GATEWAYS)) {
    const objects = gatewayObjects(gw);
    const error = 'error' in objects ? objects.error : undefined;
    const annotations = { ...strMap(gw.metadata.annotations) };
    if (error) annotations[GATEWAY_ERROR] = error;
    else delete annotations[GATEWAY_ERROR];
    if (!same(annotations, strMap(gw.metadata.annotations))) {
      store.update(INGRESS_GATEWAYS, { ...gw, metadata: { ...gw.metadata, annotations } });
    }
    if ('error' in objects) continue;
    upsert(store, DEPLOYMENTS, objects.deployment);
    upsert(store, SERVICES, objects.service);
  }
}

/** Assigns load-balancer addresses to every LoadBalancer Service that lacks the right ones. */
export function reconcileLoadBalancers(store: ClusterStore, info: ClusterInfo): void {
  const services = store.list(SERVICES).filter((s) => rec(s.spec).type === 'LoadBalancer');
  const ingressOf = (s: StoredObject): string[] =>
    recs(rec(rec(s.status).loadBalancer).ingress).map((i) => String(i.ip ?? ''));
  const used = new Set<number>();
  for (const s of services) {
    const m = /^127\.\d+\.(\d+)\.1$/.exec(ingressOf(s)[0] ?? '');
    if (m) used.add(Number(m[1]));
  }
  for (const s of services) {
    const explicit = strMap(s.metadata.annotations)[EXTERNAL_ADDRESSES];
    let ips: string[];
    if (explicit)
      ips = explicit
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== '');
    else if (ingressOf(s).length > 0 && ingressOf(s).every((ip) => ip.startsWith(`127.${info.block}.`))) continue;
    else {
      let third = 200;
      while (used.has(third)) third++;
      used.add(third);
      ips = [1, 2, 3].map((d) => `127.${info.block}.${third}.${d}`);
    }
    const status = { ...rec(s.status), loadBalancer: { ingress: ips.map((ip) => ({ ip })) } };
    if (!same(s.status, status)) store.update(SERVICES, { ...s, status });
  }
}
