/**
 * Defaults applied to a valid object, the ones the Kubernetes API server (or TSB) fills in, so every consumer sees
 * the same effective values. Pure: returns a new object and leaves the input alone. Only fields that are absent
 * are set; nothing the user wrote is changed.
 */
import type { ApiObject } from './kinds/index.js';
import type { Container } from './kinds/k8s/container.js';
import type { PodSpec } from './kinds/k8s/pod-spec.js';

function containerDefaults(c: Container): Container {
  const tag = c.image?.split('/').pop()?.split('@')[0] ?? '';
  // Kubernetes: `Always` for `:latest` or untagged images, `IfNotPresent` otherwise.
  const latest = !tag.includes(':') || tag.endsWith(':latest');
  return {
    ...c,
    imagePullPolicy: c.imagePullPolicy ?? (latest ? 'Always' : 'IfNotPresent'),
    terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
    terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
    ...(c.ports ? { ports: c.ports.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' })) } : {}),
  };
}

function podSpecDefaults(spec: PodSpec): PodSpec {
  return {
    ...spec,
    containers: spec.containers.map(containerDefaults),
    ...(spec.initContainers ? { initContainers: spec.initContainers.map(containerDefaults) } : {}),
    restartPolicy: spec.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
    dnsPolicy: spec.dnsPolicy ?? 'ClusterFirst',
    schedulerName: spec.schedulerName ?? 'default-scheduler',
  };
}

/** The object with its kind's defaults applied. */
export function applyDefaults(obj: ApiObject): ApiObject {
  switch (obj.kind) {
    case 'Service': {
      const spec = obj.spec ?? {};
      return {
        ...obj,
        spec: {
          ...spec,
          type: spec.type ?? 'ClusterIP',
          sessionAffinity: spec.sessionAffinity ?? 'None',
          ...(spec.ports
            ? {
                ports: spec.ports.map((p) => ({
                  ...p,
                  protocol: p.protocol ?? 'TCP',
                  targetPort: p.targetPort ?? p.port,
                })),
              }
            : {}),
        },
      };
    }
    case 'Deployment':
      return {
        ...obj,
        spec: {
          ...obj.spec,
          replicas: obj.spec.replicas ?? 1,
          strategy: obj.spec.strategy ?? {
            type: 'RollingUpdate',
            rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
          },
          revisionHistoryLimit: obj.spec.revisionHistoryLimit ?? 10,
          progressDeadlineSeconds: obj.spec.progressDeadlineSeconds ?? 600,
          template: { ...obj.spec.template, spec: podSpecDefaults(obj.spec.template.spec) },
        },
      };
    case 'Pod':
      return { ...obj, spec: podSpecDefaults(obj.spec) };
    case 'IngressGateway': {
      const spec = obj.spec ?? {};
      const kubeSpec = spec.kubeSpec ?? {};
      // A TSB gateway's Service is a LoadBalancer unless told otherwise: its addresses are what remote clusters dial.
      return {
        ...obj,
        spec: {
          ...spec,
          eastWestOnly: spec.eastWestOnly ?? false,
          kubeSpec: { ...kubeSpec, service: { ...kubeSpec.service, type: kubeSpec.service?.type ?? 'LoadBalancer' } },
        },
      };
    }
    default:
      return obj;
  }
}
