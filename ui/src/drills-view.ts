/// <reference lib="dom" />
/**
 * The Drills section: the failover drill runs the management plane keeps (GET /v2/failover/drills with the user's
 * token), newest first, each with its report. Every field from the API goes in as text (./dom.ts).
 */
import { describeError, request } from './api.js';
import { byId, clock, h } from './dom.js';
import { drillRows, type DrillRow } from './drills-model.js';
import type { DrillRunsView } from './wire.js';

/** How many runs the table shows (the API's default is 20, its most 200). */
export const DRILL_RUNS_SHOWN = 50;

const COLUMNS = 8;

function rowOf(row: DrillRow): HTMLElement {
  return h(
    'tr',
    {
      'data-drill-id': row.id,
      'data-service': row.service,
      'data-cluster': row.cluster,
      'data-state': row.state,
      'data-no-episode': row.noEpisode ? 'true' : undefined,
    },
    h('td', { 'data-field': 'started' }, h('time', {}, row.started)),
    h('td', { 'data-field': 'service' }, row.service),
    h('td', { 'data-field': 'cluster' }, row.cluster),
    h('td', { 'data-field': 'drill', title: row.drillTitle }, row.drill),
    h('td', { 'data-field': 'state' }, row.stateText),
    h('td', { 'data-field': 'timeToFailover' }, row.timeToFailover),
    h('td', { 'data-field': 'requestsFailed', class: 'num' }, row.requestsFailed),
    h('td', { 'data-field': 'timeToFailback' }, row.timeToFailback),
  );
}

/** Fetches the runs and renders the table; a failed read says why and leaves the last rows in place. */
export async function loadDrills(): Promise<void> {
  const status = byId('drills-status');
  const res = await request<DrillRunsView>('GET', `/v2/failover/drills?limit=${DRILL_RUNS_SHOWN}`);
  if (!res.ok) {
    status.textContent = `Cannot read the drill runs: ${describeError(res.error).join('; ')}`;
    return;
  }
  const now = Date.now();
  const rows = drillRows(res.body.drills, now);
  byId('drills-body').replaceChildren(
    ...(rows.length === 0
      ? [h('tr', {}, h('td', { colspan: String(COLUMNS), class: 'muted' }, 'No drill has run yet.'))]
      : rows.map(rowOf)),
  );
  const running = rows.filter((r) => r.state === 'running').length;
  status.textContent =
    `${rows.length} run${rows.length === 1 ? '' : 's'}` +
    (running > 0 ? `, ${running} running` : '') +
    `, read ${clock(now)}`;
}
