/**
 * The mesh's locality helpers and priority rules come from the one priority engine (`src/priority`), which the
 * federation's `explain` calls too; this module keeps the mesh's import path for them.
 */
export {
  ISTIO_LOCALITY_LABEL,
  LOCALITY_LABELS,
  NO_LOCALITY,
  assignPriorities,
  compactPriorities,
  formatLocality,
  labelRank,
  localityRank,
  parseLocality,
  podLocality,
  sameLocality,
  type FailoverRule,
  type Locality,
  type PriorityPeer,
  type PriorityPolicy,
} from '../priority/index.js';
