/**
 * What the UI's topology view shows, whichever way the traffic data was gathered (scraping sidecars in local
 * clusters, or a Prometheus server in production).
 */
import type { Topology } from '../ui/wire.js';

export type { TargetHealth, Topology } from '../ui/wire.js';

/** Anything that can answer the current topology. */
export interface TopologySource {
  topology(): Promise<Topology>;
}
