/// <reference lib="dom" />
/**
 * The Network Reachability editor: the directed graph of networks, the rules with remove buttons, a form to add
 * one, what each rule means for every pair of clusters, and — after a change — the API's answer (or its
 * validation errors) and the WorkloadEntries that appeared or disappeared in each cluster.
 */
import cytoscape from 'cytoscape';
import { describeError, listOf, request } from './api.js';
import type { ClusterRow } from './clusters-model.js';
import { byId, h } from './dom.js';
import type { Rules } from './reachability.js';
import {
  addRule,
  entryChanges,
  explain,
  forApply,
  newOrganizationSetting,
  removeRule,
  rulesOf,
  ruleList,
} from './reachability.js';
import type { ClusterInventory, TsbObject } from './wire.js';

type Entries = Map<string, Set<string>>;

function entriesOf(inventory: readonly ClusterInventory[]): Entries {
  return new Map(inventory.map((c) => [c.name, new Set(c.workloadEntries.map((w) => `${w.namespace}/${w.name}`))]));
}

/** Owns the reachability section. */
export class ReachabilityView {
  readonly cy: cytoscape.Core;
  private setting: TsbObject | undefined;
  private organization = '';
  private clusters: ClusterRow[] = [];
  private canEdit = false;
  private baseline: Entries | undefined;
  private latest: Entries = new Map();

  constructor(container: HTMLElement) {
    this.cy = cytoscape({
      container,
      style: [
        {
          selector: 'node',
          style: { label: 'data(id)', 'background-color': '#0f766e', 'font-size': 11, 'text-valign': 'bottom' },
        },
        {
          selector: 'edge',
          style: {
            'curve-style': 'bezier',
            'target-arrow-shape': 'triangle',
            'line-color': '#0f766e',
            'target-arrow-color': '#0f766e',
          },
        },
      ],
      userZoomingEnabled: false,
    });
    byId<HTMLFormElement>('reach-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const from = byId<HTMLSelectElement>('reach-from').value;
      const to = byId<HTMLInputElement>('reach-to').value.trim();
      void this.change(
        addRule(this.setting ?? newOrganizationSetting(this.organization), from, to),
        `add ${from} -> ${to}`,
      );
    });
  }

  /** Enables or disables editing (readers see, but cannot change). */
  setCanEdit(canEdit: boolean, role: string): void {
    this.canEdit = canEdit;
    byId('reach-readonly').hidden = canEdit;
    byId('reach-readonly').textContent = canEdit ? '' : `Read-only: your role (${role}) cannot change reachability.`;
    for (const el of byId('reach-form').querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>(
      'select, input, button',
    )) {
      el.disabled = !canEdit;
    }
    this.render();
  }

  /** Reloads the OrganizationSetting from the management API. */
  async load(): Promise<void> {
    const res = await request<unknown>('GET', '/v2/objects?kind=OrganizationSetting');
    if (!res.ok) {
      byId('reach-problem').textContent = `Cannot read the OrganizationSetting: ${describeError(res.error).join('; ')}`;
      return;
    }
    byId('reach-problem').textContent = '';
    this.setting = listOf<TsbObject>(res.body)[0];
    if (this.setting === undefined && this.organization === '') {
      const orgs = await request<unknown>('GET', '/v2/objects?kind=Organization');
      if (orgs.ok) this.organization = listOf<TsbObject>(orgs.body)[0]?.metadata.name ?? '';
    }
    this.render();
  }

  /** New cluster facts (networks, generated entries). */
  setClusters(rows: ClusterRow[], inventory: readonly ClusterInventory[]): void {
    this.clusters = rows;
    this.latest = entriesOf(inventory);
    this.render();
  }

  private async change(next: TsbObject, what: string): Promise<void> {
    const result = byId('reach-result');
    result.replaceChildren(h('p', {}, `Applying: ${what} ...`));
    const res = await request<unknown>('POST', '/v2/apply', { objects: [forApply(next)] });
    if (!res.ok) {
      result.replaceChildren(
        h('p', { class: 'error', role: 'alert' }, `Rejected (${res.status}): ${what}`),
        h('ul', { class: 'error-list' }, ...describeError(res.error).map((l) => h('li', {}, l))),
      );
      return;
    }
    result.replaceChildren(h('p', { class: 'ok' }, `Applied: ${what}. Watch the WorkloadEntries below converge.`));
    this.baseline = this.latest;
    await this.load();
  }

  private networks(rules: Rules): string[] {
    const set = new Set<string>(this.clusters.map((c) => c.network).filter((n) => n !== ''));
    for (const [from, tos] of rules) {
      set.add(from);
      for (const t of tos) set.add(t);
    }
    return [...set].sort();
  }

  private render(): void {
    const rules = rulesOf(this.setting);
    const networks = this.networks(rules);
    const pairs = ruleList(rules);

    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(networks.map((n) => ({ group: 'nodes' as const, data: { id: n } })));
      this.cy.add(
        pairs.map((p) => ({
          group: 'edges' as const,
          data: { id: `${p.from}->${p.to}`, source: p.from, target: p.to },
        })),
      );
    });
    this.cy.layout({ name: 'circle', padding: 30 }).run();

    byId('reach-rules').replaceChildren(
      ...(pairs.length === 0
        ? [h('li', { class: 'muted' }, 'No rules: every network reaches every other.')]
        : pairs.map((p) => {
            const button = h('button', { type: 'button', class: 'remove', disabled: !this.canEdit }, 'Remove');
            button.addEventListener('click', () => {
              if (this.setting) void this.change(removeRule(this.setting, p.from, p.to), `remove ${p.from} -> ${p.to}`);
            });
            return h('li', { 'data-rule': `${p.from}->${p.to}` }, `${p.from} → ${p.to} `, button);
          })),
    );

    // "from" names a known network; "to" may also name one that no cluster has yet (the API validates it).
    const from = byId<HTMLSelectElement>('reach-from');
    const current = from.value;
    from.replaceChildren(...networks.map((n) => h('option', { value: n, selected: n === current }, n)));
    byId('reach-networks').replaceChildren(...networks.map((n) => h('option', { value: n })));

    const verdicts = explain(
      this.clusters.filter((c) => c.network !== '').map((c) => ({ name: c.name, network: c.network })),
      rules,
    );
    byId('reach-explain').replaceChildren(
      ...verdicts.map((v) =>
        h(
          'li',
          { class: v.reachable ? 'reach-ok' : 'reach-blocked', 'data-pair': `${v.from}->${v.to}` },
          `${v.from} → ${v.to}: ${v.reachable ? 'reachable' : 'blocked'} — ${v.why}`,
        ),
      ),
    );

    const changes = this.baseline ? entryChanges(this.baseline, this.latest) : [];
    byId('reach-changes').replaceChildren(
      ...changes.map((c) =>
        h(
          'li',
          { 'data-cluster': c.cluster },
          `${c.cluster}: ${c.removed.length} WorkloadEntries removed, ${c.added.length} added`,
          c.removed.length + c.added.length > 0
            ? h('small', {}, ` (${[...c.removed.map((n) => `-${n}`), ...c.added.map((n) => `+${n}`)].join(', ')})`)
            : null,
        ),
      ),
    );
  }
}
