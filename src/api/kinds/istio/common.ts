/** Pieces shared by the Istio kinds: the apiVersion (v1, also v1beta1 and v1alpha3) and Istio's status block. */
import { looseRecord } from '../../schema/common.js';
import { apiVersionSchema } from '../../schema/object.js';

/** `networking.istio.io/v1` (preferred), `v1beta1` or `v1alpha3`. */
export const istioApiVersion = apiVersionSchema('networking.istio.io', ['v1', 'v1beta1', 'v1alpha3']);

/** Istio's status (conditions, validation messages, observedGeneration): written by istiod, kept as is. */
export const istioStatus = looseRecord.optional();
