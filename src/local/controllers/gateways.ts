/**
 * IngressGateway controller (`eastWestOnly: true`): realises each gateway as a Deployment named after it, whose
 * pods (labels `app: <name>`, `istio: eastwestgateway`) run the built-in East-West gateway image, plus a
 * LoadBalancer Service on port 15443. `spec.kubeSpec.overlays` are applied to both, so e.g.
 * `spec.template.metadata.labels.istio-locality` lands on the pods. Re-applying the gateway updates the Deployment,
 * which rolls its pods. Ingress gateways without `eastWestOnly` are not realised locally.
 *
 * Load balancers: every `type: LoadBalancer` Service gets `status.loadBalancer.ingress` — the addresses of the
 * `xcp.tetrate.io/cluster-external-addresses` annotation (comma separated) when present, else three loopback IPs
 * `127.<block>.<200+g>.{1,2,3}` (g = the lowest block of three not used by another Service).
 */
import { applyObjectOverlays, type Overlay } from '../model.js';
import type { ClusterInfo } from '../config.js';
import type { ClusterStore } from '../store/cluster-store.js';
import type { StoredObject } from '../store/types.js';
import { DEPLOYMENTS, INGRESS_GATEWAYS, SERVICES, rec, recs, same, strMap } from './refs.js';

/** The image of East-West gateway pods; the pod runner starts the mesh's gateway process for it. */
export const GATEWAY_IMAGE = 'meshbridge/eastwest-gateway:local';
/** Annotation naming a gateway's external addresses explicitly. */
export const EXTERNAL_ADDRESSES = 'xcp.tetrate.io/cluster-external-addresses';

/** Pure: the Deployment and Service an IngressGateway stands for, or problems with its overlays. */
export function gatewayObjects(
  gw: StoredObject,
): { deployment: StoredObject; service: StoredObject } | { error: string } {
  const name = gw.metadata.name;
  const spec = rec(gw.spec);
  const labels = { app: name, istio: 'eastwestgateway' };
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
  const kubeSpec = rec(spec.kubeSpec);
  const replicas = rec(kubeSpec.deployment).replicaCount;
  const annotations = strMap(gw.metadata.annotations);
  const external = annotations[EXTERNAL_ADDRESSES];
  const deployment: StoredObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: gw.metadata.namespace, labels, ownerReferences: owner },
    spec: {
      replicas: typeof replicas === 'number' ? replicas : 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          serviceAccountName: `${name}-service-account`,
          containers: [
            {
              name: 'istio-proxy',
              image: GATEWAY_IMAGE,
              ports: [
                { containerPort: 15443, name: 'tls', protocol: 'TCP' },
                { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
              ],
              readinessProbe: { tcpSocket: { port: 15443 }, periodSeconds: 2 },
            },
          ],
        },
      },
    },
  };
  const service: StoredObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: gw.metadata.namespace,
      labels,
      ...(external ? { annotations: { [EXTERNAL_ADDRESSES]: external } } : {}),
      ownerReferences: owner,
    },
    spec: {
      type: 'LoadBalancer',
      selector: labels,
      ports: [{ name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP' }],
    },
  };
  const overlays = recs(kubeSpec.overlays) as unknown as Overlay[];
  const d = applyObjectOverlays(deployment, overlays);
  const s = applyObjectOverlays(service, overlays);
  if (!d.ok || !s.ok) {
    const issues = [...(d.ok ? [] : d.issues), ...(s.ok ? [] : s.issues)];
    return { error: issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
  }
  return { deployment: d.value, service: s.value };
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
    if (rec(gw.spec).eastWestOnly !== true) continue;
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
