/**
 * Incremental planning: each service's plan in each client cluster, kept with a signature of everything it was
 * built from, so the next plan rebuilds only the services whose inputs changed. A gateway address change in one
 * cluster of 1,000 services x 10 re-plans the services that cluster runs, not all 10,000 (client, service) pairs.
 *
 * What one service's plan in one client reads (plan.ts `servicePlan`, targets.ts `decideTarget`, generate.ts):
 * - the configuration, the DNS resolutions and the list of clusters: a pass with any of them changed starts over;
 * - the client's network: a client whose network changed starts over;
 * - for every cluster that runs the service, its inventory record of the service and the cluster's gateway facts
 *   (network, locality, East-West gateways with their pods and addresses): the service's signature.
 * A cluster without the service yields the same `service-absent` decision whatever else it holds. A new input read
 * by that code must join one of these, or a plan would reuse an answer it no longer gives: test/federation/
 * plan-memo.test.ts compares memoised plans with fresh ones across changes of each kind.
 */
import type { ClusterFacts } from './targets.js';

/** How much of the last pass was reused. */
export interface MemoStats {
  reused: number;
  planned: number;
}

interface ClientPlans<P> {
  readonly network: string;
  readonly services: Map<string, { readonly signature: string; readonly plan: P }>;
}

/**
 * The memo a caller keeps between plans (the federation controller keeps one); pass it as `PlanInput.memo`. `P` is
 * what one service's plan in one client is (plan.ts `ServicePlan`); it is never changed once made: passes share it.
 */
export class PlanMemo<P> {
  private scope: { config: object; resolved: string; clusters: string } | undefined;
  /** Each cluster's gateway facts and a number naming them, new whenever they change. */
  private readonly gatewayFacts = new Map<string, { readonly json: string; readonly generation: number }>();
  private generations = 0;
  private clients = new Map<string, ClientPlans<P>>();
  /** The last pass's figures (tests and logs read them). */
  stats: MemoStats = { reused: 0, planned: 0 };

  /** Starts a pass over these inputs: forgets what they invalidate. */
  begin(input: {
    config: object;
    resolved: Readonly<Record<string, readonly string[]>>;
    facts: readonly ClusterFacts[];
  }): PassMemo<P> {
    const scope = {
      config: input.config,
      resolved: JSON.stringify(input.resolved),
      clusters: input.facts.map((f) => f.inventory.cluster).join('\n'),
    };
    const same =
      this.scope !== undefined &&
      this.scope.config === scope.config &&
      this.scope.resolved === scope.resolved &&
      this.scope.clusters === scope.clusters;
    if (!same) this.clients = new Map();
    this.scope = scope;
    const generation = new Map<ClusterFacts, number>();
    for (const f of input.facts) {
      const json = JSON.stringify([f.network, f.locality, f.inventory.gateways]);
      let known = this.gatewayFacts.get(f.inventory.cluster);
      if (known?.json !== json) {
        known = { json, generation: ++this.generations };
        this.gatewayFacts.set(f.inventory.cluster, known);
      }
      generation.set(f, known.generation);
    }
    for (const name of this.gatewayFacts.keys()) {
      if (!input.facts.some((f) => f.inventory.cluster === name)) this.gatewayFacts.delete(name);
    }
    this.stats = { reused: 0, planned: 0 };
    return new PassMemo(this, input.facts, generation);
  }

  /** @internal The client's plans, emptied when its network changed. */
  plansOf(client: ClusterFacts): ClientPlans<P> {
    const name = client.inventory.cluster;
    let plans = this.clients.get(name);
    if (plans?.network !== client.network) {
      plans = { network: client.network, services: new Map() };
      this.clients.set(name, plans);
    }
    return plans;
  }
}

/** One pass's view of the memo: service signatures are computed once per pass, when first asked for. */
export class PassMemo<P> {
  private readonly signatures = new Map<string, string>();

  constructor(
    private readonly memo: PlanMemo<P>,
    private readonly facts: readonly ClusterFacts[],
    private readonly generation: ReadonlyMap<ClusterFacts, number>,
  ) {}

  /** The service's plan in `client`: the memoised one when its inputs are unchanged, else `make()`'s. */
  plan(client: ClusterFacts, key: string, make: () => P): P {
    const signature = this.signatureOf(key);
    const plans = this.memo.plansOf(client);
    const known = plans.services.get(key);
    if (known?.signature === signature) {
      this.memo.stats.reused++;
      return known.plan;
    }
    const plan = make();
    plans.services.set(key, { signature, plan });
    this.memo.stats.planned++;
    return plan;
  }

  /** Drops the client's plans of services this pass did not plan (gone from every cluster). */
  prune(client: ClusterFacts, keys: ReadonlySet<string>): void {
    const { services } = this.memo.plansOf(client);
    for (const key of services.keys()) if (!keys.has(key)) services.delete(key);
  }

  private signatureOf(key: string): string {
    let signature = this.signatures.get(key);
    if (signature === undefined) {
      const parts: string[] = [];
      for (const f of this.facts) {
        const record = f.services.get(key);
        parts.push(record ? `${this.generation.get(f)} ${JSON.stringify(record)}` : '');
      }
      signature = parts.join('\n');
      this.signatures.set(key, signature);
    }
    return signature;
  }
}
