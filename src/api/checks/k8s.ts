/**
 * Rules within one Kubernetes object that its schema cannot say (the API server enforces them, so meshbridge
 * reports them before an apply fails halfway): selectors match templates, names in lists are unique, mounts name
 * defined volumes, a multi-port Service names every port.
 */
import { makeIssue, type Issue } from '../issues.js';
import type { Deployment } from '../kinds/k8s/deployment.js';
import type { PodSpec } from '../kinds/k8s/pod-spec.js';
import type { Service, ServicePort } from '../kinds/k8s/service.js';
import type { LabelSelector } from '../schema/common.js';
import { formatPath, type PathSegment } from '../path.js';

type Who = { kind: string; name?: string | undefined };

/** Reports every repeat of a key in a list (`what` says which list in the message). */
function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string | number | undefined,
  at: (index: number) => PathSegment[],
  what: string,
  who: Who,
): Issue[] {
  const seen = new Map<string | number, number>();
  const out: Issue[] = [];
  items.forEach((item, index) => {
    const k = key(item);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, index);
    else
      out.push(
        makeIssue(
          'DUPLICATE_NAME',
          formatPath(at(index)),
          `${what} ${JSON.stringify(k)} already used at index ${first}`,
          who,
        ),
      );
  });
  return out;
}

/** Checks a PodSpec found at `base`. */
export function checkPodSpec(spec: PodSpec, base: PathSegment[], who: Who): Issue[] {
  const out: Issue[] = [];
  out.push(
    ...duplicates(
      spec.containers,
      (c) => c.name,
      (i) => [...base, 'containers', i, 'name'],
      'container name',
      who,
    ),
  );
  const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
  out.push(
    ...duplicates(
      spec.volumes ?? [],
      (v) => v.name,
      (i) => [...base, 'volumes', i, 'name'],
      'volume name',
      who,
    ),
  );
  const check = (list: string, containers: PodSpec['containers']) =>
    containers.forEach((c, ci) =>
      (c.volumeMounts ?? []).forEach((m, mi) => {
        if (!volumes.has(m.name))
          out.push(
            makeIssue(
              'UNDEFINED_REFERENCE',
              formatPath([...base, list, ci, 'volumeMounts', mi, 'name']),
              `volume ${JSON.stringify(m.name)} is not defined in ${formatPath([...base, 'volumes'])}`,
              who,
            ),
          );
      }),
    );
  check('containers', spec.containers);
  check('initContainers', spec.initContainers ?? []);
  return out;
}

/** Checks that a Deployment's selector is not empty and selects its own pod template (Kubernetes refuses it otherwise). */
export function checkSelector(selector: LabelSelector, templateLabels: Record<string, string>, who: Who): Issue[] {
  const out: Issue[] = [];
  const { matchLabels = {}, matchExpressions = [] } = selector;
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0)
    out.push(makeIssue('SELECTOR_MISMATCH', 'spec.selector', 'an empty selector is invalid for a Deployment', who));
  for (const [key, value] of Object.entries(matchLabels)) {
    if (templateLabels[key] !== value)
      out.push(
        makeIssue(
          'SELECTOR_MISMATCH',
          formatPath(['spec', 'selector', 'matchLabels', key]),
          `selector ${key}=${value} does not match the template labels (spec.template.metadata.labels)`,
          who,
        ),
      );
  }
  return out;
}

/** Checks a Deployment: its selector, then its pod template. */
export function checkDeployment(d: Deployment, who: Who): Issue[] {
  return [
    ...checkSelector(d.spec.selector, d.spec.template.metadata?.labels ?? {}, who),
    ...checkPodSpec(d.spec.template.spec, ['spec', 'template', 'spec'], who),
  ];
}

/** Checks a Service: port names required and unique when there are several; port numbers unique per protocol. */
export function checkService(s: Service, who: Who): Issue[] {
  return checkServicePorts(s.spec?.ports ?? [], who);
}

/** Checks the ports of a Service (see checkService). */
export function checkServicePorts(ports: readonly ServicePort[], who: Who): Issue[] {
  const out: Issue[] = [];
  if (ports.length > 1)
    ports.forEach((p, i) => {
      if (p.name === undefined || p.name === '')
        out.push(
          makeIssue(
            'PORT_NAME_REQUIRED',
            formatPath(['spec', 'ports', i, 'name']),
            'required when a Service has several ports',
            who,
          ),
        );
    });
  out.push(
    ...duplicates(
      ports,
      (p) => p.name,
      (i) => ['spec', 'ports', i, 'name'],
      'port name',
      who,
    ),
  );
  out.push(
    ...duplicates(
      ports,
      (p) => `${p.port}/${p.protocol ?? 'TCP'}`,
      (i) => ['spec', 'ports', i, 'port'],
      'port',
      who,
    ),
  );
  return out;
}
