/**
 * Test stand-ins for the two peers the UI needs and this branch does not hold: the management API's object
 * routes (`GET /v2/objects`, `POST /v2/apply` with bearer tokens, roles and located validation errors, per the
 * agreed contract) and the federation's effect on clusters (WorkloadEntries exist in a cluster only while its
 * network may reach the gateway's). Everything else in the UI tests is real.
 */
import type { FastifyInstance } from 'fastify';
import type { ClusterInventory } from '../../src/mgmt/ui/types.js';

/** A TSB object as the API stores it. */
export interface TsbObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; organization?: string; [k: string]: unknown };
  spec?: Record<string, unknown>;
}

/** Tokens the stand-in accepts. */
export const TOKENS: Record<string, { name: string; role: string }> = {
  'admin-token': { name: 'admin', role: 'org-admin' },
  'reader-token': { name: 'auditor', role: 'reader' },
};

/** The mutable state the test drives. */
export interface MgmtState {
  objects: TsbObject[];
  applied: TsbObject[][];
}

/** Cluster objects as `local up` registers them. */
export function clusterObject(name: string, region: string, zone: string): TsbObject {
  return {
    apiVersion: 'api.tsb.tetrate.io/v2',
    kind: 'Cluster',
    metadata: { organization: 'tetrate', name },
    spec: { network: `${name}-network`, locality: { region, zone }, trustDomain: `${name}.local` },
  };
}

/** Directed reachability, as the federation controller applies it. */
export function reachable(objects: readonly TsbObject[], from: string, to: string): boolean {
  if (from === to) return true;
  const setting = objects.find((o) => o.kind === 'OrganizationSetting');
  const ns = setting?.spec?.networkSettings as { networkReachability?: Record<string, string> } | undefined;
  const rules = ns?.networkReachability ?? {};
  if (Object.keys(rules).length === 0) return true;
  return (rules[from] ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes(to);
}

function bearer(h: string | undefined): { name: string; role: string } | undefined {
  const m = /^Bearer (\S+)$/.exec(h ?? '');
  return m ? TOKENS[m[1]!] : undefined;
}

function validate(o: TsbObject, networks: Set<string>): { path: string; message: string }[] {
  if (o.kind !== 'OrganizationSetting')
    return [{ path: 'kind', message: `the stand-in only accepts OrganizationSetting` }];
  const issues: { path: string; message: string }[] = [];
  const ns = o.spec?.networkSettings as { networkReachability?: Record<string, unknown> } | undefined;
  for (const [from, to] of Object.entries(ns?.networkReachability ?? {})) {
    const path = `spec.networkSettings.networkReachability.${from}`;
    if (!networks.has(from)) issues.push({ path, message: `unknown network ${from}` });
    if (typeof to !== 'string') {
      issues.push({ path, message: 'must be a comma-separated string of networks' });
      continue;
    }
    for (const t of to.split(',').map((s) => s.trim())) {
      if (t === from) issues.push({ path, message: `a network always reaches itself: remove ${t} from its own list` });
      else if (!networks.has(t)) issues.push({ path, message: `unknown network ${t}` });
    }
  }
  return issues;
}

/** Registers the object routes on the test's fastify server. */
export function registerMgmtStandIn(app: FastifyInstance, state: MgmtState): void {
  app.get('/v2/objects', async (req, reply) => {
    if (bearer(req.headers.authorization) === undefined)
      return reply.code(401).send({ code: 'MB9001', message: 'unauthenticated' });
    const kind = (req.query as { kind?: string }).kind;
    return { objects: state.objects.filter((o) => kind === undefined || o.kind === kind) };
  });
  app.post('/v2/apply', async (req, reply) => {
    const who = bearer(req.headers.authorization);
    if (who === undefined) return reply.code(401).send({ code: 'MB9001', message: 'unauthenticated' });
    if (who.role !== 'org-admin')
      return reply.code(403).send({ code: 'MB9002', message: 'forbidden: the token role does not allow this' });
    const objects = (req.body as { objects?: TsbObject[] }).objects ?? [];
    const networks = new Set(state.objects.filter((o) => o.kind === 'Cluster').map((o) => String(o.spec?.network)));
    const issues = objects.flatMap((o, index) =>
      validate(o, networks).map((i) => ({ index, code: 'MB0301', severity: 'error', ...i })),
    );
    if (issues.length > 0)
      return reply.code(400).send({ code: 'MB9003', message: 'invalid object(s); nothing was changed', issues });
    for (const o of objects) {
      state.objects = state.objects.filter((x) => !(x.kind === o.kind && x.metadata.name === o.metadata.name));
      state.objects.push(o);
    }
    state.applied.push(objects);
    return { results: objects.map((o) => ({ kind: o.kind, name: o.metadata.name, result: 'configured' })) };
  });
}

/** The clusters' side: gateway addresses, services with live endpoint counts, and the generated entries. */
export function inventoryOf(
  state: MgmtState,
  facts: { gatewayAddresses: string[]; readyEndpoints: (cluster: string, service: string) => Promise<number> },
): () => Promise<ClusterInventory[]> {
  const services = ['details', 'productpage', 'ratings', 'reviews'];
  return async () => {
    const out: ClusterInventory[] = [];
    for (const name of ['cluster-1', 'cluster-2']) {
      const gateways =
        name === 'cluster-2'
          ? [{ namespace: 'bookinfo', name: 'eastwest-gateway', addresses: facts.gatewayAddresses }]
          : [];
      // cluster-1 holds entries for cluster-2's services while cluster-1-network may reach cluster-2-network.
      const entries =
        name === 'cluster-1' && reachable(state.objects, 'cluster-1-network', 'cluster-2-network')
          ? services.flatMap((s) =>
              facts.gatewayAddresses.map((a, i) => ({
                namespace: 'bookinfo',
                name: `k-${s}-0123456789abcdef0123456789abcdef${i ? `-${i + 1}` : ''}`,
                address: a,
              })),
            )
          : [];
      out.push({
        name,
        gateways,
        services: await Promise.all(
          services.map(async (s) => ({
            namespace: 'bookinfo',
            name: s,
            readyEndpoints: await facts.readyEndpoints(name, s),
          })),
        ),
        workloadEntries: entries,
        reachable: true,
      });
    }
    return out;
  };
}
