/**
 * The control case: the same load with no fault. It runs first; when it fails, the machine cannot carry the load
 * and the fault cases' failures say nothing about the faults.
 */
import type { ChaosCase } from '../support.js';

export const baselineCase: ChaosCase = {
  name: 'no fault (baseline): the pair of clusters serves the steady load with 0 failed requests',
  inject: () => Promise.resolve(() => Promise.resolve()),
};
