/**
 * What one reconcile did: produced by the controller, read by the status report. Its own module so neither of the
 * two imports the other.
 */
import type { ApplyResult } from './apply.js';
import type { ClusterInventory } from './inventory.js';
import type { PlanOutput } from './plan.js';

/** What one reconcile did. */
export interface ReconcileResult {
  plan: PlanOutput;
  /** Inventories of the synced clusters (what the plan saw). */
  inventories: ClusterInventory[];
  /** Per synced cluster, what was applied. */
  applied: Record<string, ApplyResult>;
  /** Registered clusters whose API could not be listed (their objects were left alone). */
  unsynced: string[];
}
