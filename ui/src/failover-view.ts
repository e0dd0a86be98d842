/// <reference lib="dom" />
/**
 * The Failover pane: pick a service and a client cluster; shows the priority table the federation computes
 * (`explain failover`), the clusters that are not targets and why, the same-region warning, and this service's
 * failover/failback events from the live topology with their measured times.
 */
import { describeError, request } from './api.js';
import { byId, clock, h } from './dom.js';
import {
  clusterChoices,
  episodeLines,
  priorityRows,
  seconds,
  serviceChoices,
  serviceTimeline,
  splitWarnings,
  type ServiceChoice,
} from './failover-model.js';
import type { ClusterInventory, FailoverEventsView, FailoverReport, RoutingEvent } from './wire.js';

/** Replaces a select's options, keeping the current choice when it still exists (else the first option). */
function setOptions(select: HTMLSelectElement, values: readonly string[]): void {
  const current = select.value;
  if ([...select.options].map((o) => o.value).join('\n') !== values.join('\n')) {
    select.replaceChildren(...values.map((v) => h('option', { value: v }, v)));
  }
  if (values.includes(current)) select.value = current;
}

/** The pane's state between polls. */
export class FailoverPane {
  private services: ServiceChoice[] = [];
  private events: readonly RoutingEvent[] = [];
  private readonly service = byId<HTMLSelectElement>('failover-service');
  private readonly from = byId<HTMLSelectElement>('failover-from');

  constructor() {
    for (const s of [this.service, this.from]) s.addEventListener('change', () => void this.load());
  }

  /** New inventory: refreshes the pickers. */
  setInventory(inventory: readonly ClusterInventory[]): void {
    const first = this.services.length === 0;
    this.services = serviceChoices(inventory);
    setOptions(
      this.service,
      this.services.map((s) => s.label),
    );
    setOptions(this.from, clusterChoices(inventory));
    // The first services known: show their table now rather than at the next poll.
    if (first && this.services.length > 0) void this.load();
  }

  /** New topology events: redraws the timeline and asks for the recorded episodes again. */
  setEvents(events: readonly RoutingEvent[]): void {
    this.events = events;
    this.renderTimeline();
    void this.loadEpisodes();
  }

  /** The episodes the sidecars recorded for the current choice (GET /v2/failover/events). */
  async loadEpisodes(): Promise<void> {
    const svc = this.picked();
    const from = this.from.value;
    const empty = byId('failover-episodes-empty');
    if (svc === undefined) return;
    const q = new URLSearchParams({ service: `${svc.name}.${svc.namespace}`, ...(from ? { cluster: from } : {}) });
    const res = await request<FailoverEventsView>('GET', `/v2/failover/events?${q.toString()}`);
    if (svc.label !== this.service.value || from !== this.from.value) return;
    if (!res.ok) {
      empty.hidden = false;
      empty.textContent = `Cannot read the recorded failovers: ${describeError(res.error).join('; ')}`;
      return;
    }
    const lines = episodeLines(res.body.episodes);
    byId('failover-episodes').replaceChildren(
      ...lines.map((l) => h('li', { 'data-open': String(l.open) }, h('time', {}, clock(l.atMs)), ` ${l.text}`)),
    );
    empty.textContent = 'No failover of this service recorded yet.';
    empty.hidden = lines.length > 0;
  }

  private picked(): ServiceChoice | undefined {
    return this.services.find((s) => s.label === this.service.value);
  }

  /** Fetches and renders the priority table for the current choice. */
  async load(): Promise<void> {
    const svc = this.picked();
    const from = this.from.value;
    const status = byId('failover-status');
    if (svc === undefined || from === '') {
      status.textContent = 'No services known yet.';
      return;
    }
    const q = new URLSearchParams({ service: svc.name, namespace: svc.namespace, from });
    const res = await request<FailoverReport>('GET', `/ui/api/failover?${q.toString()}`);
    // The choice may have changed while the request ran; a later load renders that one.
    if (svc.label !== this.service.value || from !== this.from.value) return;
    if (!res.ok) {
      status.textContent = `Cannot compute the failover: ${describeError(res.error).join('; ')}`;
      return;
    }
    this.render(res.body);
    this.renderTimeline();
    void this.loadEpisodes();
  }

  private render(r: FailoverReport): void {
    const root = byId('failover-section');
    root.dataset.service = `${r.service}.${r.namespace}`;
    root.dataset.from = r.client;
    byId('failover-status').textContent =
      `${r.service}.${r.namespace} for clients in ${r.client} (locality ${r.clientLocality || '(none)'}), ` +
      `computed ${clock(Date.now())}`;
    const { sameRegion, other } = splitWarnings(r);
    byId('failover-warnings').replaceChildren(
      ...sameRegion.map((w) => h('p', { class: 'warning same-region', role: 'alert' }, w)),
      ...other.map((w) => h('p', { class: 'warning' }, w)),
    );
    const rows = priorityRows(r);
    byId('failover-body').replaceChildren(
      ...(rows.length === 0
        ? [h('tr', {}, h('td', { colspan: '7', class: 'muted' }, 'No endpoints.'))]
        : rows.map((row) =>
            h(
              'tr',
              {
                'data-priority': row.priority,
                'data-cluster': row.cluster,
                'data-endpoint': row.endpoint,
                class: row.remote ? 'cross' : undefined,
              },
              h('td', {}, row.priority),
              h('td', {}, row.cluster),
              h('td', {}, row.endpoint),
              h('td', {}, row.address),
              h('td', {}, row.locality),
              h(
                'td',
                {
                  class: `health-${row.health.replaceAll(' ', '-')}`,
                  ...(row.probeMessage ? { title: row.probeMessage } : {}),
                },
                row.health,
              ),
              h('td', {}, row.why),
            ),
          )),
    );
    byId('failover-targets').replaceChildren(
      ...(r.targets.length === 0
        ? [h('li', { class: 'muted' }, 'none')]
        : r.targets.map((t) => h('li', { 'data-cluster': t.cluster }, h('b', {}, t.cluster), `: ${t.message}`))),
    );
    byId('failover-not-targets').replaceChildren(
      ...(r.notTargets.length === 0
        ? [h('li', { class: 'muted' }, 'none')]
        : r.notTargets.map((t) =>
            h('li', { 'data-cluster': t.cluster }, h('b', {}, t.cluster), ` (${t.reason}): ${t.message}`),
          )),
    );
  }

  private renderTimeline(): void {
    const svc = this.picked();
    const entries = svc === undefined ? [] : serviceTimeline(this.events, svc, this.from.value || undefined);
    byId('failover-timeline').replaceChildren(
      ...entries.map((e) => {
        const measured =
          e.remoteForMs !== undefined
            ? ` (served remotely for ${seconds(e.remoteForMs)})`
            : e.sinceFailbackMs !== undefined
              ? ` (${seconds(e.sinceFailbackMs)} after the last failback)`
              : '';
        return h(
          'li',
          { 'data-kind': e.kind },
          h('time', {}, clock(e.atMs)),
          ` ${e.kind}: ${e.client} now served by ${e.to.join(', ')} (was ${e.from.join(', ')})${measured}`,
        );
      }),
    );
    byId('failover-timeline-empty').hidden = entries.length > 0;
  }
}
