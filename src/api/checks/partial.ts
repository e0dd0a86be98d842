/**
 * Rules for an object that failed its schema: each rule still runs on the parts of the object that pass their own
 * sub-schema, so fixing the schema errors does not reveal a second round of problems that could have been
 * reported at once ("every problem, not just the first").
 */
import { z } from 'zod';
import type { Issue } from '../issues.js';
import { labelSelector, stringMap } from '../schema/common.js';
import { podSpecSchema } from '../kinds/k8s/pod-spec.js';
import { servicePortSchema } from '../kinds/k8s/service.js';
import { checkPodSpec, checkSelector, checkServicePorts } from './k8s.js';

type Who = { kind: string; name?: string | undefined };

function at(value: unknown, ...path: string[]): unknown {
  let cur = value;
  for (const seg of path)
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
  return cur;
}

/** The within-object rules that can run on the valid parts of `value` (an object of `kind` that failed its schema). */
export function partialRules(kind: string, value: unknown, who: Who): Issue[] {
  const out: Issue[] = [];
  if (kind === 'Deployment') {
    const selector = labelSelector.safeParse(at(value, 'spec', 'selector'));
    const labels = stringMap.optional().safeParse(at(value, 'spec', 'template', 'metadata', 'labels'));
    if (selector.success && labels.success) out.push(...checkSelector(selector.data, labels.data ?? {}, who));
    const pod = podSpecSchema.safeParse(at(value, 'spec', 'template', 'spec'));
    if (pod.success) out.push(...checkPodSpec(pod.data, ['spec', 'template', 'spec'], who));
  } else if (kind === 'Pod') {
    const pod = podSpecSchema.safeParse(at(value, 'spec'));
    if (pod.success) out.push(...checkPodSpec(pod.data, ['spec'], who));
  } else if (kind === 'Service') {
    const ports = z.array(servicePortSchema).safeParse(at(value, 'spec', 'ports'));
    if (ports.success) out.push(...checkServicePorts(ports.data, who));
  }
  return out;
}
