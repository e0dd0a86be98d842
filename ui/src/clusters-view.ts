/// <reference lib="dom" />
/** The Clusters pane: one card per cluster and the shared-region warning. */
import { byId, h } from './dom.js';
import type { ClusterRow } from './clusters-model.js';
import { sharedRegionWarnings } from './clusters-model.js';

/** Renders the pane. */
export function renderClusters(rows: readonly ClusterRow[], problems: readonly string[]): void {
  const warnings = sharedRegionWarnings(rows);
  byId('cluster-warnings').replaceChildren(
    ...warnings.map((w) => h('p', { class: 'warning', role: 'alert' }, w)),
    ...problems.map((p) => h('p', { class: 'problem' }, p)),
  );
  const cards = rows.map((r) =>
    h(
      'article',
      { class: 'cluster-card', 'data-cluster': r.name },
      h('h3', {}, r.name, ' ', h('span', { class: `health ${r.health}` }, r.health)),
      h(
        'dl',
        {},
        h('dt', {}, 'Region'),
        h('dd', { 'data-field': 'region' }, r.region || '-'),
        h('dt', {}, 'Zone'),
        h('dd', { 'data-field': 'zone' }, r.zone || '-'),
        h('dt', {}, 'Network'),
        h('dd', { 'data-field': 'network' }, r.network || '-'),
        h('dt', {}, 'Trust domain'),
        h('dd', { 'data-field': 'trustDomain' }, r.trustDomain || '-'),
        h('dt', {}, 'East-West gateway'),
        h('dd', { 'data-field': 'gateways' }, r.gatewayAddresses.join(', ') || 'none'),
        h('dt', {}, 'WorkloadEntries'),
        h('dd', { 'data-field': 'workloadEntries' }, r.workloadEntries),
      ),
      h(
        'ul',
        { class: 'services' },
        ...r.services.map((s) =>
          h('li', { class: s.readyEndpoints > 0 ? 'up' : 'down' }, `${s.name}: ${s.readyEndpoints} ready`),
        ),
      ),
    ),
  );
  byId('clusters').replaceChildren(...cards);
}
