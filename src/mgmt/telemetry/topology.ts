/**
 * What the UI's topology view shows, whichever way the traffic data was gathered (scraping sidecars in local
 * clusters, or a Prometheus server in production).
 */
import type { EdgeStats } from './edge-window.js';
import type { RoutingEvent } from './routing-events.js';

/** Last scrape of one metrics endpoint. */
export interface TargetHealth {
  url: string;
  ok: boolean;
  lastScrapeMs: number;
  error?: string;
}

/** Edges over a window, the failover timeline, and where the data came from. */
export interface Topology {
  source: 'scrape' | 'prometheus';
  atMs: number;
  windowMs: number;
  edges: EdgeStats[];
  events: RoutingEvent[];
  targets: TargetHealth[];
}

/** Anything that can answer the current topology. */
export interface TopologySource {
  topology(): Promise<Topology>;
}
