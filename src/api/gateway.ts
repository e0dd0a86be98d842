/**
 * The Kubernetes objects an IngressGateway stands for, before overlays: a Deployment whose pods carry
 * `app: <gateway name>` and a Service (LoadBalancer by default). East-West gateways (`eastWestOnly`) expose only
 * port 15443 (mTLS passthrough). The embedded cluster's controller starts from these objects and applies
 * `kubeSpec.overlays` with `applyOverlays`; validation uses them to check that every overlay can apply.
 */
import type { IngressGateway } from './kinds/install/ingress-gateway.js';
import type { Deployment } from './kinds/k8s/deployment.js';
import type { Service, ServicePort } from './kinds/k8s/service.js';

/** The image the embedded cluster runs for gateway pods. */
export const GATEWAY_IMAGE = 'meshbridge/gateway:builtin';

const EAST_WEST_PORTS: ServicePort[] = [{ name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP' }];
const INGRESS_PORTS: ServicePort[] = [
  { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
  { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
  ...EAST_WEST_PORTS,
];

/** The generated Deployment and Service of a gateway (overlays not yet applied). */
export function gatewayBaseObjects(gw: IngressGateway): { deployment: Deployment; service: Service } {
  const name = gw.metadata.name ?? '';
  const namespace = gw.metadata.namespace;
  const ns = namespace !== undefined ? { namespace } : {};
  const kube = gw.spec?.kubeSpec;
  const labels = { app: name, 'install.tetrate.io/owner-kind': 'IngressGateway', ...(kube?.deployment?.labels ?? {}) };
  const ports = kube?.service?.ports ?? (gw.spec?.eastWestOnly ? EAST_WEST_PORTS : INGRESS_PORTS);
  const container = {
    name: 'istio-proxy',
    image: GATEWAY_IMAGE,
    ports: ports.map((p) => ({
      name: p.name?.slice(0, 15),
      containerPort: typeof p.targetPort === 'number' ? p.targetPort : p.port,
      protocol: p.protocol ?? 'TCP',
    })),
    ...(kube?.deployment?.env ? { env: kube.deployment.env } : {}),
    ...(kube?.deployment?.resources ? { resources: kube.deployment.resources } : {}),
  };
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...ns, labels: { ...labels } },
    spec: {
      replicas: kube?.deployment?.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { ...labels },
          ...(kube?.deployment?.podAnnotations ? { annotations: kube.deployment.podAnnotations } : {}),
        },
        spec: {
          containers: [container],
          ...(kube?.deployment?.nodeSelector ? { nodeSelector: kube.deployment.nodeSelector } : {}),
        },
      },
    },
  };
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      ...ns,
      labels: { app: name, ...(kube?.service?.labels ?? {}) },
      ...(kube?.service?.annotations ? { annotations: kube.service.annotations } : {}),
    },
    spec: {
      type: kube?.service?.type ?? 'LoadBalancer',
      selector: { app: name },
      ports,
      ...(kube?.service?.loadBalancerIP ? { loadBalancerIP: kube.service.loadBalancerIP } : {}),
      ...(kube?.service?.externalTrafficPolicy ? { externalTrafficPolicy: kube.service.externalTrafficPolicy } : {}),
    },
  };
  return { deployment, service };
}
