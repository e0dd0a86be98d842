/**
 * A failover drill's lease on a Service, the whole state of a drill: a Service annotated with an unexpired drill has
 * its endpoints in that cluster sent as `DRAINING` (Envoy's health status for hosts being taken out of service), so
 * clients move to the next priority, the remote copy, exactly as if the local copy had failed, while no pod is
 * touched. The drill is a lease: whoever runs it (the CLI, or the federation controller for a scheduled
 * FailoverDrill) renews `until` every few seconds, and the cluster's drill controller removes an expired one, so a
 * drill whose runner died ends by itself. With no other copy anywhere, Envoy's panic rule still sends requests to
 * the draining hosts: a drill never causes an outage. Pure functions.
 */

/** The annotations of a drill on a Service. */
export const DRILL_ANNOTATIONS = Object.freeze({
  /** RFC 3339 time at which the drill ends unless renewed. */
  until: 'drill.meshbridge.io/until',
  /** Who runs it: the CLI's drill id, so a second drill is refused and `drill stop` names the one it ends. */
  id: 'drill.meshbridge.io/id',
});

/** How far ahead a running CLI sets `until`, and how often it renews it. */
export const DRILL_LEASE_MS = 15_000;
export const DRILL_RENEW_MS = 5_000;

/** A drill read from a Service. */
export interface Drill {
  readonly id: string;
  readonly until: Date;
}

/** The drill a Service's annotations describe, or undefined (none, or an unparsable time: never drained by it). */
export function drillOf(annotations: Readonly<Record<string, string>> | undefined): Drill | undefined {
  const until = annotations?.[DRILL_ANNOTATIONS.until];
  if (until === undefined) return undefined;
  const ms = Date.parse(until);
  if (!Number.isFinite(ms)) return undefined;
  return { id: annotations?.[DRILL_ANNOTATIONS.id] ?? '', until: new Date(ms) };
}

/** Whether the drill still runs at `now`. */
export function drillActive(drill: Drill | undefined, now: number): boolean {
  return drill !== undefined && drill.until.getTime() > now;
}

/** The annotations that start or renew a drill (values for a JSON merge patch). */
export function drillAnnotations(id: string, until: Date): Record<string, string> {
  return { [DRILL_ANNOTATIONS.id]: id, [DRILL_ANNOTATIONS.until]: until.toISOString() };
}

/** A JSON merge patch that removes a drill's annotations. */
export function endDrillPatch(): { metadata: { annotations: Record<string, null> } } {
  return { metadata: { annotations: { [DRILL_ANNOTATIONS.id]: null, [DRILL_ANNOTATIONS.until]: null } } };
}
