/// <reference lib="dom" />
/**
 * The topology view: a cytoscape graph of services grouped by cluster with live edges, an edge table (the same
 * data as text), and the failover timeline. `update` diffs the graph so positions survive polling; the layout
 * only runs when nodes appear or disappear.
 */
import cytoscape from 'cytoscape';
import { byId, clock, h } from './dom.js';
import { graphOf } from './topology-model.js';
import type { RoutingEvent, Topology } from './wire.js';

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node[kind = "cluster"]',
    style: {
      label: 'data(label)',
      'text-valign': 'top',
      'text-halign': 'center',
      'font-weight': 'bold',
      'background-color': '#eef2f7',
      'border-color': '#94a3b8',
      'border-width': 1,
      padding: '18px',
    },
  },
  {
    selector: 'node[kind = "service"]',
    style: {
      label: 'data(label)',
      shape: 'round-rectangle',
      // Sized to the name (cytoscape's `width: label` is deprecated): ~7 px per character at 12 px.
      width: (ele: cytoscape.NodeSingular) => 16 + 7 * String(ele.data('label')).length,
      height: 28,
      padding: '8px',
      'text-valign': 'center',
      'background-color': '#1e3a8a',
      color: '#fff',
      'font-size': 12,
    },
  },
  {
    selector: 'edge',
    style: {
      label: 'data(label)',
      'curve-style': 'bezier',
      'target-arrow-shape': 'triangle',
      width: 'mapData(rps, 0, 40, 2, 8)',
      'line-color': '#64748b',
      'target-arrow-color': '#64748b',
      'font-size': 10,
      'text-background-color': '#fff',
      'text-background-opacity': 0.85,
      'text-rotation': 'autorotate',
    },
  },
  {
    selector: 'edge.cross-cluster',
    style: { 'line-color': '#ea580c', 'target-arrow-color': '#ea580c', 'line-style': 'dashed', color: '#9a3412' },
  },
  { selector: 'edge.failing', style: { 'line-color': '#dc2626', 'target-arrow-color': '#dc2626', color: '#b91c1c' } },
];

/** Owns the graph and the topology section of the page. */
export class TopologyView {
  readonly cy: cytoscape.Core;

  constructor(container: HTMLElement) {
    this.cy = cytoscape({ container, style: STYLE, minZoom: 0.3, maxZoom: 2.5 });
  }

  /** Shows a new topology. */
  update(topology: Topology): void {
    const graph = graphOf(topology.edges);
    const cy = this.cy;
    let structural = false;
    cy.batch(() => {
      const wanted = new Set([...graph.nodes.map((n) => n.id), ...graph.edges.map((e) => e.id)]);
      cy.elements().forEach((el) => {
        if (!wanted.has(el.id())) {
          if (el.isNode()) structural = true;
          el.remove();
        }
      });
      for (const n of graph.nodes) {
        if (cy.getElementById(n.id).empty()) {
          cy.add({ group: 'nodes', data: { ...n } });
          structural = true;
        }
      }
      for (const e of graph.edges) {
        const { classes, ...data } = e;
        const existing = cy.getElementById(e.id);
        if (existing.empty()) cy.add({ group: 'edges', data, classes });
        else existing.data(data).classes(classes);
      }
    });
    if (structural && graph.nodes.length > 0) {
      cy.layout({
        name: 'cose',
        animate: false,
        nodeDimensionsIncludeLabels: true,
        padding: 30,
        randomize: false,
      }).run();
      cy.fit(undefined, 30);
    }
    this.renderTable(topology);
    this.renderTimeline(topology.events);
    byId('topology-status').textContent =
      `${topology.edges.length} edges over the last ${Math.round(topology.windowMs / 1000)} s, ` +
      `updated ${clock(topology.atMs)} (${topology.source === 'scrape' ? 'sidecar metrics' : 'Prometheus'}, ` +
      `${topology.targets.filter((t) => t.ok).length}/${topology.targets.length} targets up)`;
  }

  private renderTable(topology: Topology): void {
    const rows = topology.edges.map((e) =>
      h(
        'tr',
        {
          'data-edge-id': e.id,
          'data-cross-cluster': String(e.crossCluster),
          class: e.crossCluster ? 'cross' : undefined,
        },
        h('td', {}, `${e.sourceWorkload} @ ${e.sourceCluster}`),
        h('td', {}, `${e.destinationService} @ ${e.destinationCluster}`),
        h('td', { class: 'num' }, e.rps.toFixed(1)),
        h('td', { class: 'num' }, `${(e.errorShare * 100).toFixed(1)} %`),
        h('td', { class: 'num' }, e.p50Ms === undefined ? '-' : e.p50Ms.toFixed(1)),
        h('td', { class: 'num' }, e.p99Ms === undefined ? '-' : e.p99Ms.toFixed(1)),
        h('td', {}, e.crossCluster ? 'cross-cluster' : ''),
      ),
    );
    byId('edges-body').replaceChildren(...rows);
  }

  private renderTimeline(events: readonly RoutingEvent[]): void {
    // A failback says how long the client was served remotely: the time since its group's last failover.
    const items = events.map((ev, i) => {
      let extra = '';
      if (ev.kind === 'failback') {
        const prior = events
          .slice(0, i)
          .reverse()
          .find(
            (p) =>
              p.kind === 'failover' &&
              p.sourceWorkload === ev.sourceWorkload &&
              p.destinationService === ev.destinationService,
          );
        if (prior) extra = ` (served remotely for ${((ev.atMs - prior.atMs) / 1000).toFixed(1)} s)`;
      }
      return h('li', { 'data-kind': ev.kind }, h('time', {}, clock(ev.atMs)), ` ${ev.message}${extra}`);
    });
    byId('timeline').replaceChildren(...items.reverse());
    byId('timeline-empty').hidden = events.length > 0;
  }
}
