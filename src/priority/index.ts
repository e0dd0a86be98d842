/**
 * The locality priority engine: one pure rule for which endpoints of a host a client prefers, shared by the mesh's
 * EDS translation and the federation's `explain` (a leaf: it imports nothing internal).
 */
export {
  ISTIO_LOCALITY_LABEL,
  LOCALITY_LABELS,
  MAX_LOCALITY_LENGTH,
  NO_LOCALITY,
  formatLocality,
  parseLocality,
  podLocality,
  sameLocality,
  type Locality,
} from './locality.js';
export {
  decidePolicy,
  type FailoverRule,
  type PolicyDecision,
  type PrioritiesOff,
  type PriorityPolicy,
  type PriorityTrafficPolicy,
} from './policy.js';
export {
  assignPriorities,
  compactPriorities,
  labelRank,
  localityRank,
  localityReason,
  matchedPrefix,
  type EndpointPriority,
  type LocalityReason,
  type PriorityPeer,
  type PriorityReason,
  type PriorityReasonCode,
} from './engine.js';
export { reasonText } from './reason-text.js';
export { SOURCE_CLUSTER_LABEL, orderTier } from './order.js';
export { isEndpointAddress, selectorMatches } from './selection.js';
export { SERVICE_DOMAIN, ruleHost, selectDestinationRule, type HostRule } from './rule-selection.js';
