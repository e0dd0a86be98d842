/**
 * Admission rules of a local cluster beyond the resource model's validation: the pod policy (../pod-policy.ts) on
 * every place a pod spec or container environment enters the cluster through its API: a Pod's spec, a
 * Deployment's pod template, an IngressGateway's `kubeSpec.deployment.env` (copied into its gateway pods).
 */
import { CODES } from '../../api/index.js';
import { envListViolations, podSpecViolations, type PodPolicyViolation } from '../pod-policy.js';
import type { StatusCause } from './status.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});

/** The pod-policy violations of an object about to be stored (kind from its `kind`). */
export function admissionViolations(obj: Rec): PodPolicyViolation[] {
  switch (obj.kind) {
    case 'Pod':
      return podSpecViolations(obj.spec, ['spec']);
    case 'Deployment':
      return podSpecViolations(rec(rec(obj.spec).template).spec, ['spec', 'template', 'spec']);
    case 'IngressGateway':
      return envListViolations(rec(rec(rec(obj.spec).kubeSpec).deployment).env, [
        'spec',
        'kubeSpec',
        'deployment',
        'env',
      ]);
    default:
      return [];
  }
}

/** Status causes of violations (reason FieldValueForbidden, message prefixed with the code MB0501). */
export function admissionCauses(violations: readonly PodPolicyViolation[]): StatusCause[] {
  return violations.map((v) => ({
    reason: 'FieldValueForbidden',
    message: `[${CODES.PROCESS_STEERING_ENV.code}] ${v.message}`,
    field: v.path,
  }));
}
