/** The benchmark scenarios, in run order. Add a module under `scenarios/` and list it here. */
import type { Scenario } from '../lib/types.js';
import failover from './failover.js';
import hopLadder from './hop-ladder.js';
import throughput from './throughput.js';
import controlPlane from '../control-plane.js';
import federation from '../federation.js';

export const SCENARIOS: readonly Scenario[] = [hopLadder, throughput, failover, controlPlane, federation];
