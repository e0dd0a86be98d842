/**
 * Every chaos case, in the order the suite runs them on its one pair of clusters: first the same load without a
 * fault (baseline.ts), so a machine too busy to carry the load shows as such. Each fault's cases live in a
 * module of their own here (`process-kill.ts`: the platform's processes); cases for sidecars, gateway pods,
 * gateway rollouts, SIGSTOP of the remote gateway and management plane restarts on PostgreSQL are added beside it
 * and listed below.
 */
import type { ChaosCase } from '../support.js';
import { baselineCase } from './baseline.js';
import { processKillCases } from './process-kill.js';

export const CHAOS_CASES: readonly ChaosCase[] = [baselineCase, ...processKillCases];
