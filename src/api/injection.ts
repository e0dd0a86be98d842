/**
 * The one sidecar-injection decision of meshbridge. The pod runner (which starts a sidecar process or not) and the
 * control plane (which dials a pod over mTLS or in plaintext) both call `sidecarInjected`, so they cannot disagree.
 *
 * It follows Istio's injector (its documented "Controlling the injection policy" rules and the selectors of the
 * `istio-sidecar-injector` webhooks), with the injection policy `enabled` and `enableNamespacesByDefault` off:
 *
 * | namespace label                        | pod label `sidecar.istio.io/inject` | injected                  |
 * | -------------------------------------- | ----------------------------------- | ------------------------- |
 * | `istio-injection=enabled`              | absent or not `false`               | yes, unless policy says no |
 * | `istio-injection=enabled`              | `false`                             | no                        |
 * | `istio-injection` any other value      | anything                            | no                        |
 * | no `istio-injection`, `istio.io/rev`   | absent or not `false`               | yes, unless policy says no |
 * | neither label                          | `true`                              | yes, unless policy says no |
 * | neither label                          | absent, `false`, other              | no                        |
 *
 * "Policy says no": once a webhook selected the pod, the pod's `sidecar.istio.io/inject` value decides, the label
 * winning over the (deprecated) annotation of the same name: `y`, `yes`, `true`, `on` inject; any other non-empty
 * value refuses; neither present injects. So an annotation `false` opts a pod out of an enabled namespace, but an
 * annotation `true` alone does not opt a pod into an unlabelled one (the webhooks select on the label).
 *
 * `istio-injection` takes precedence over `istio.io/rev` when a namespace has both (Istio documents this).
 * Outside Istio's rules: gateway pods (label `istio: eastwestgateway|ingressgateway`) are proxies themselves and get
 * no sidecar; a pod already labelled `security.istio.io/tlsMode: istio` was injected before it was submitted.
 */

/** Pod label and annotation that opt a pod in or out. */
export const INJECT_KEY = 'sidecar.istio.io/inject';
/** Namespace label that turns injection on (`enabled`) or off (any other value). */
export const INJECTION_LABEL = 'istio-injection';
/** Namespace (or pod) label naming a control-plane revision; it turns injection on as `istio-injection` does. */
export const REVISION_LABEL = 'istio.io/rev';
/** Values of the `istio` pod label that mark a gateway: the pod is itself a proxy and gets no sidecar. */
export const GATEWAY_ISTIO_LABELS: ReadonlySet<string> = new Set(['eastwestgateway', 'ingressgateway']);

type Labels = Readonly<Record<string, string>> | undefined;

/** What the decision reads: the pod's labels and annotations, and its namespace's labels. */
export interface InjectionInput {
  readonly podLabels: Labels;
  readonly podAnnotations: Labels;
  readonly namespaceLabels: Labels;
}

const TRUE_VALUES = new Set(['y', 'yes', 'true', 'on']);

/** Whether a pod runs with a sidecar (see the table above). Pure. */
export function sidecarInjected(input: InjectionInput): boolean {
  const labels = input.podLabels ?? {};
  const ns = input.namespaceLabels ?? {};
  if (labels['security.istio.io/tlsMode'] === 'istio') return true;
  if (GATEWAY_ISTIO_LABELS.has(labels['istio'] ?? '')) return false;
  if (!webhookSelects(labels, ns)) return false;
  const value = labels[INJECT_KEY] ?? input.podAnnotations?.[INJECT_KEY];
  return value === undefined || value === '' || TRUE_VALUES.has(value.toLowerCase());
}

/** Whether one of Istio's injection webhooks would see the pod at all (namespace and object selectors). */
function webhookSelects(labels: Readonly<Record<string, string>>, ns: Readonly<Record<string, string>>): boolean {
  const podInject = labels[INJECT_KEY];
  const nsInjection = ns[INJECTION_LABEL];
  if (nsInjection !== undefined) return nsInjection === 'enabled' && podInject !== 'false';
  if (ns[REVISION_LABEL] !== undefined) return podInject !== 'false';
  // A namespace without labels: the pod opts in by label, or names a revision without an inject label.
  return podInject === 'true' || (podInject === undefined && labels[REVISION_LABEL] !== undefined);
}
