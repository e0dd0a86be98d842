import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sidecarInjected } from './injection.js';

type L = Record<string, string>;
interface Case {
  readonly name: string;
  readonly ns?: L;
  readonly labels?: L;
  readonly annotations?: L;
  readonly want: boolean;
}

const enabled = { 'istio-injection': 'enabled' };
const disabled = { 'istio-injection': 'disabled' };
const rev = { 'istio.io/rev': 'canary' };

// Istio's documented precedence: a disabled label at either level wins, then an enabled one, then the default (off);
// the pod label wins over the pod annotation; istio-injection wins over istio.io/rev.
const CASES: readonly Case[] = [
  { name: 'enabled namespace, nothing on the pod', ns: enabled, want: true },
  {
    name: 'enabled namespace, pod label false',
    ns: enabled,
    labels: { 'sidecar.istio.io/inject': 'false' },
    want: false,
  },
  { name: 'enabled namespace, pod label true', ns: enabled, labels: { 'sidecar.istio.io/inject': 'true' }, want: true },
  {
    name: 'enabled namespace, pod annotation false',
    ns: enabled,
    annotations: { 'sidecar.istio.io/inject': 'false' },
    want: false,
  },
  {
    name: 'enabled namespace, label true wins over annotation false',
    ns: enabled,
    labels: { 'sidecar.istio.io/inject': 'true' },
    annotations: { 'sidecar.istio.io/inject': 'false' },
    want: true,
  },
  {
    name: 'enabled namespace, label false wins over annotation true',
    ns: enabled,
    labels: { 'sidecar.istio.io/inject': 'false' },
    annotations: { 'sidecar.istio.io/inject': 'true' },
    want: false,
  },
  {
    name: 'enabled namespace, annotation "no" refuses',
    ns: enabled,
    annotations: { 'sidecar.istio.io/inject': 'no' },
    want: false,
  },
  {
    name: 'enabled namespace, annotation "yes" injects',
    ns: enabled,
    annotations: { 'sidecar.istio.io/inject': 'yes' },
    want: true,
  },
  { name: 'disabled namespace, nothing on the pod', ns: disabled, want: false },
  {
    name: 'disabled namespace, pod label true',
    ns: disabled,
    labels: { 'sidecar.istio.io/inject': 'true' },
    want: false,
  },
  { name: 'unlabelled namespace, nothing on the pod', want: false },
  { name: 'unlabelled namespace, pod label true', labels: { 'sidecar.istio.io/inject': 'true' }, want: true },
  {
    name: 'unlabelled namespace, pod annotation true alone does not opt in',
    annotations: { 'sidecar.istio.io/inject': 'true' },
    want: false,
  },
  { name: 'revision namespace, nothing on the pod', ns: rev, want: true },
  { name: 'revision namespace, pod label false', ns: rev, labels: { 'sidecar.istio.io/inject': 'false' }, want: false },
  {
    name: 'istio-injection=disabled wins over istio.io/rev',
    ns: { ...disabled, ...rev },
    want: false,
  },
  { name: 'unlabelled namespace, pod names a revision', labels: { 'istio.io/rev': 'canary' }, want: true },
  { name: 'a gateway pod in an enabled namespace', ns: enabled, labels: { istio: 'eastwestgateway' }, want: false },
  {
    name: 'an ingress gateway pod in an enabled namespace',
    ns: enabled,
    labels: { istio: 'ingressgateway' },
    want: false,
  },
  {
    name: 'a pod injected before submission (tlsMode istio) in an unlabelled namespace',
    labels: { 'security.istio.io/tlsMode': 'istio' },
    want: true,
  },
];

for (const c of CASES) {
  test(`injection: ${c.name} -> ${c.want ? 'sidecar' : 'no sidecar'}`, () => {
    assert.equal(
      sidecarInjected({ podLabels: c.labels, podAnnotations: c.annotations, namespaceLabels: c.ns }),
      c.want,
    );
  });
}
