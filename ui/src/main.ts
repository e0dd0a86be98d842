/// <reference lib="dom" />
/**
 * Entry of the web UI: token handling, then polling — topology every 2 s, clusters and reachability every 3 s,
 * the failover priority table every 4 s, the drill runs every 5 s.
 */
import { adoptTokenFromHash, describeError, listOf, request, setCsrf, setToken, token } from './api.js';
import { clusterRows } from './clusters-model.js';
import { renderClusters } from './clusters-view.js';
import { byId } from './dom.js';
import { loadDrills } from './drills-view.js';
import { FailoverPane } from './failover-view.js';
import { ReachabilityView } from './reachability-view.js';
import { TopologyView } from './topology-view.js';
import type { ClusterInventory, Session, Topology, TsbObject } from './wire.js';

adoptTokenFromHash();

const topologyView = new TopologyView(byId('topology-graph'));
const reachabilityView = new ReachabilityView(byId('reach-graph'));
const failoverPane = new FailoverPane();

// Exposed for the browser tests and for people poking at the graph from the console.
(window as unknown as { meshbridgeUi: unknown }).meshbridgeUi = {
  topology: topologyView.cy,
  networks: reachabilityView.cy,
};

const tokenInput = byId<HTMLInputElement>('token');
tokenInput.value = token();
byId<HTMLFormElement>('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  setToken(tokenInput.value.trim());
  void refreshSession().then(refreshClusters);
});

async function refreshSession(): Promise<void> {
  const res = await request<Session>('GET', '/ui/api/session');
  const who = byId('session');
  if (res.ok) {
    who.textContent = `${res.body.name} (${res.body.role})`;
    setCsrf(res.body.csrf ?? '');
    who.dataset.role = res.body.role;
    reachabilityView.setCanEdit(res.body.canEdit, res.body.role);
  } else {
    setCsrf('');
    who.textContent = res.status === 401 ? 'not signed in: paste a token' : describeError(res.error).join('; ');
    delete who.dataset.role;
    reachabilityView.setCanEdit(false, 'anonymous');
  }
}

async function refreshTopology(): Promise<void> {
  const res = await request<Topology>('GET', '/ui/api/topology');
  if (res.ok) {
    topologyView.update(res.body);
    failoverPane.setEvents(res.body.events);
  } else byId('topology-status').textContent = `Cannot load the topology: ${describeError(res.error).join('; ')}`;
}

async function refreshClusters(): Promise<void> {
  const [objects, inventory] = await Promise.all([
    request<unknown>('GET', '/v2/objects?kind=Cluster'),
    request<{ clusters: ClusterInventory[] }>('GET', '/ui/api/inventory'),
  ]);
  const problems: string[] = [];
  if (!objects.ok) problems.push(`Cluster objects: ${describeError(objects.error).join('; ')}`);
  if (!inventory.ok) problems.push(`Cluster inventory: ${describeError(inventory.error).join('; ')}`);
  const inv = inventory.ok ? inventory.body.clusters : [];
  const rows = clusterRows(objects.ok ? listOf<TsbObject>(objects.body) : [], inv);
  renderClusters(rows, problems);
  failoverPane.setInventory(inv);
  reachabilityView.setClusters(rows, inv);
  await reachabilityView.load();
}

/** Runs `fn` now and then every `ms`, never overlapping itself. */
function every(ms: number, fn: () => Promise<void>): void {
  const loop = async (): Promise<void> => {
    try {
      await fn();
    } finally {
      setTimeout(() => void loop(), ms);
    }
  };
  void loop();
}

void refreshSession();
every(2000, refreshTopology);
every(3000, refreshClusters);
// The priority table re-reads every cluster on the server: a little slower than the rest.
every(4000, () => failoverPane.load());
// Each drill run's report is read from the recorded events on the server: the least urgent pane.
every(5000, loadDrills);
