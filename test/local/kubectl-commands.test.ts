/**
 * The kubectl commands people type every day, run with the real kubectl against a local cluster holding bookinfo
 * (and the sleep client). Each test is one command and asserts that its output means what a user expects. A
 * second part proves the one sidecar-injection decision with real processes: a pod opted out by annotation runs
 * without a sidecar and is reached in plaintext, a pod opted in by label in an unlabelled namespace runs one and is
 * reached over mTLS.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDown } from '../../src/local/lifecycle/down.js';
import { localUp } from '../../src/local/lifecycle/up.js';
import { parseClusterSpecs } from '../../src/local/config.js';
import { EXAMPLES, REPO_ROOT } from '../support/paths.js';
import {
  BOOKINFO_YAML,
  ensureBuilt,
  eventually,
  processesWith,
  randomBlockBase,
  testImageMap,
} from './process-support.js';

const KUBECTL = '/usr/bin/kubectl';
if (!existsSync(KUBECTL)) throw new Error(`these tests need the real kubectl at ${KUBECTL}`);

// Honour an assigned state directory (machines shared by several runs give each its own).
const parent = process.env.MESHBRIDGE_HOME ?? tmpdir();
mkdirSync(parent, { recursive: true });
const home = mkdtempSync(join(parent, 'mb-kubectl-'));
const env = {
  ...process.env,
  MESHBRIDGE_HOME: home,
  MESHBRIDGE_IP_BLOCK_BASE: String(randomBlockBase()),
  MESHBRIDGE_IMAGE_MAP: testImageMap(),
};
const clusters = parseClusterSpecs('cluster-1=eu-west-2/eu-west-2a');
const kubeconfig = join(home, 'kubeconfig');
const NS = 'bookinfo';

function kubectl(...args: string[]): string {
  return execFileSync(KUBECTL, ['--kubeconfig', kubeconfig, '--context', 'cluster-1', ...args], {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}
/** kubectl with its exit status and both streams (for commands that may fail or write to stderr). */
function kubectlRun(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const res = spawnSync(KUBECTL, ['--kubeconfig', kubeconfig, '--context', 'cluster-1', ...args], {
    encoding: 'utf8',
    input,
  });
  return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}
function kubectlJson<T>(...args: string[]): T {
  return JSON.parse(kubectl(...args, '-o', 'json')) as T;
}
/** Rows of a kubectl table (header dropped), each split on runs of spaces. */
function rows(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s{2,}/));
}

interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  ownerReferences?: { kind: string; name: string; uid: string }[];
}
interface Obj {
  metadata: Meta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
const ready = (p: Obj) =>
  ((p.status?.conditions ?? []) as { type: string; status: string }[]).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );
const podsOf = (app: string, ns = NS) =>
  kubectlJson<{ items: Obj[] }>('get', 'pods', '-n', ns, '-l', `app=${app}`).items;

async function deploymentsReady(ns: string, names: readonly string[]): Promise<void> {
  await eventually(
    `${names.join(', ')} ready in ${ns}`,
    () => {
      const items = kubectlJson<{ items: Obj[] }>('get', 'deploy', '-n', ns).items;
      const ok = names.every((n) => {
        const d = items.find((i) => i.metadata.name === n);
        const want = (d?.spec?.replicas as number | undefined) ?? 1;
        return d !== undefined && d.status?.readyReplicas === want && d.status?.updatedReplicas === want;
      });
      return ok ? true : undefined;
    },
    120_000,
  );
}

/** A Deployment whose app fails at start (its port is not a number), without a sidecar. */
const crashingDeployment = (name: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector: { matchLabels: { app: ${name} } }\n` +
  `  template:\n    metadata:\n      labels: { app: ${name} }\n      annotations: { sidecar.istio.io/inject: "false" }\n` +
  `    spec:\n      containers:\n        - name: app\n          image: docker.io/istio/examples-bookinfo-details-v1:1.20.1\n` +
  `          env: [{ name: PORT, value: "not-a-port" }]\n`;

const BOOKINFO = ['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3'];

before(async () => {
  ensureBuilt();
  await localUp({ home, clusters, env });
  kubectl('create', 'namespace', NS);
  kubectl('label', 'namespace', NS, 'istio-injection=enabled');
  kubectl('apply', '-n', NS, '-f', BOOKINFO_YAML);
  kubectl('apply', '-n', NS, '-f', join(EXAMPLES, 'sleep.yaml'));
  await deploymentsReady(NS, [...BOOKINFO, 'sleep']);
});

after(async () => {
  await localDown(home);
  rmSync(home, { recursive: true, force: true });
});

// ---- The commands that worked before ----

test('kubectl get pods -A lists the bookinfo pods in their namespace, all Running', () => {
  const table = rows(kubectl('get', 'pods', '-A'));
  const bookinfo = table.filter((r) => r[0] === NS);
  assert.equal(bookinfo.length, 7, 'six bookinfo pods and sleep');
  for (const r of bookinfo) assert.equal(r[3], 'Running', r.join(' '));
});

test('kubectl get all shows pods, services, deployments and replicasets', () => {
  const out = kubectl('get', 'all', '-n', NS);
  for (const want of [
    'pod/details-v1-',
    'service/details',
    'deployment.apps/details-v1',
    'replicaset.apps/details-v1-',
  ]) {
    assert.ok(out.includes(want), `${want} in\n${out}`);
  }
});

test('kubectl describe pod names its node, IP, containers and conditions', () => {
  const out = kubectl('describe', 'pod', '-n', NS, '-l', 'app=details');
  assert.match(out, /Node:\s+cluster-1-node/);
  assert.match(out, /IP:\s+127\.\d+\.\d+\.\d+/);
  // The sidecar is a process the runner adds, not a container of the spec: describe lists the spec's containers.
  assert.match(out, /Containers:\s*\n\s+details:/);
  assert.match(out, /Ready\s+True/);
});

test('kubectl describe deploy shows replicas, the selector and the new ReplicaSet', () => {
  const out = kubectl('describe', 'deploy', '-n', NS, 'details-v1');
  assert.match(out, /Replicas:\s+1 desired \| 1 updated \| 1 total \| 1 available/);
  assert.match(out, /Selector:\s+app=details,version=v1/);
  assert.match(out, /NewReplicaSet:\s+details-v1-\w+ \(1\/1 replicas created\)/);
});

test('kubectl logs prints what the container wrote', async () => {
  // An app that fails at start writes its error to stderr, which is the container's log.
  kubectlRun(['apply', '-n', NS, '-f', '-'], crashingDeployment('logger'));
  try {
    const log = await eventually(
      'the error in the log',
      () => {
        const res = kubectlRun(['logs', '-n', NS, 'deploy/logger']);
        return res.status === 0 && res.stdout.includes('ERR_SOCKET_BAD_PORT') ? res.stdout : undefined;
      },
      60_000,
    );
    assert.match(log, /RangeError \[ERR_SOCKET_BAD_PORT\]/);
  } finally {
    kubectlRun(['delete', 'deploy', '-n', NS, 'logger']);
  }
});

test('kubectl rollout status reports a finished rollout', () => {
  assert.match(kubectl('rollout', 'status', '-n', NS, 'deploy/ratings-v1', '--timeout=60s'), /successfully rolled out/);
});

test('kubectl rollout restart replaces the pod and the deployment becomes ready again', async () => {
  const before = podsOf('ratings').map((p) => p.metadata.name);
  assert.match(kubectl('rollout', 'restart', '-n', NS, 'deploy/ratings-v1'), /restarted/);
  kubectl('rollout', 'status', '-n', NS, 'deploy/ratings-v1', '--timeout=90s');
  await eventually('the old ratings pod gone', () => {
    const now = podsOf('ratings');
    return now.length === 1 && !before.includes(now[0]?.metadata.name ?? '') ? true : undefined;
  });
});

test('kubectl wait returns once the pods are Ready', () => {
  assert.match(
    kubectl('wait', '-n', NS, '--for=condition=Ready', 'pod', '-l', 'app=productpage', '--timeout=60s'),
    /condition met/,
  );
});

test('kubectl apply --server-side creates and then updates an object', () => {
  const svc = `apiVersion: v1\nkind: Service\nmetadata:\n  name: ssa-demo\n  labels: { app: ssa }\nspec:\n  selector: { app: ssa }\n  ports: [{ name: http, port: 80 }]\n`;
  assert.match(kubectlRun(['apply', '--server-side', '-n', NS, '-f', '-'], svc).stdout, /serverside-applied/);
  const changed = svc.replace('app: ssa }\nspec', 'app: ssa, tier: demo }\nspec');
  assert.match(kubectlRun(['apply', '--server-side', '-n', NS, '-f', '-'], changed).stdout, /serverside-applied/);
  assert.equal(kubectlJson<Obj>('get', 'svc', '-n', NS, 'ssa-demo').metadata.labels?.tier, 'demo');
  kubectl('delete', 'svc', '-n', NS, 'ssa-demo');
});

test('kubectl diff shows a pending change and nothing for the live state', () => {
  const live = kubectl('get', 'svc', '-n', NS, 'details', '-o', 'yaml');
  const same = kubectlRun(['diff', '-n', NS, '-f', '-'], live);
  assert.equal(same.status, 0, `no difference: ${same.stdout}${same.stderr}`);
  const changed = kubectlRun(['diff', '-n', NS, '-f', '-'], live.replace('service: details', 'service: details-x'));
  assert.equal(changed.status, 1, changed.stderr);
  assert.match(changed.stdout, /^\+\s+service: details-x$/m);
});

test('kubectl api-resources lists the served kinds with their short names and groups', () => {
  const out = kubectl('api-resources');
  for (const re of [
    /^pods\s+po\s+v1\s+true\s+Pod$/m,
    /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m,
    /^replicasets\s+rs\s+apps\/v1\s+true\s+ReplicaSet$/m,
    /^events\s+ev\s+v1\s+true\s+Event$/m,
    /^events\s+ev\s+events\.k8s\.io\/v1\s+true\s+Event$/m,
    /^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m,
    /^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m,
    /^workloadentries\s+we\s+networking\.istio\.io\/v1\s+true\s+WorkloadEntry$/m,
  ]) {
    assert.match(out, re);
  }
});

test('kubectl get -o yaml prints the stored object', () => {
  const out = kubectl('get', 'deploy', '-n', NS, 'details-v1', '-o', 'yaml');
  assert.match(out, /^kind: Deployment$/m);
  assert.match(out, /^ {2}name: details-v1$/m);
  assert.match(out, /deployment\.kubernetes\.io\/revision: "\d+"/);
});

test('kubectl get -w prints a change as it happens', async () => {
  const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, '--context', 'cluster-1', 'get', 'svc', '-n', NS, '-w']);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await eventually('the watch lists the services', () => (out.includes('productpage') ? true : undefined));
    // kubectl create sends protobuf, which this API reads for Namespaces and ServiceAccounts only: apply YAML.
    kubectlRun(
      ['apply', '-n', NS, '-f', '-'],
      'apiVersion: v1\nkind: Service\nmetadata: { name: watched }\nspec: { ports: [{ port: 80 }] }\n',
    );
    await eventually('the watch shows the new service', () => (out.includes('watched') ? true : undefined));
  } finally {
    child.kill();
    kubectlRun(['delete', 'svc', '-n', NS, 'watched']);
  }
});

test('kubectl patch changes a field', () => {
  kubectl('patch', 'svc', '-n', NS, 'details', '-p', '{"metadata":{"labels":{"patched":"yes"}}}');
  assert.equal(kubectlJson<Obj>('get', 'svc', '-n', NS, 'details').metadata.labels?.patched, 'yes');
});

test('kubectl annotate adds an annotation', () => {
  kubectl('annotate', 'deploy', '-n', NS, 'details-v1', 'team=books', '--overwrite');
  assert.equal(kubectlJson<Obj>('get', 'deploy', '-n', NS, 'details-v1').metadata.annotations?.team, 'books');
});

test('kubectl cluster-info names the control plane address', () => {
  assert.match(kubectl('cluster-info'), /control plane is running at https:\/\/127\.0\.0\.1:\d+/);
});

test('kubectl version shows client and server versions', () => {
  const out = kubectl('version');
  assert.match(out, /Client Version: v1\.\d+/);
  assert.match(out, /Server Version: v1\.32/);
});

// ---- exec and port-forward (the exec and portforward subresources) go here ----

// ---- Events ----

test('kubectl get events tells what happened: scheduling, starts, scaling', () => {
  const out = kubectl('get', 'events', '-n', NS);
  assert.match(out, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m);
  assert.match(
    out,
    /Normal\s+Scheduled\s+pod\/details-v1-\S+\s+Successfully assigned bookinfo\/details-v1-\S+ to cluster-1-node/,
  );
  assert.match(out, /Normal\s+Started\s+pod\/details-v1-\S+\s+Started container details/);
  assert.match(
    out,
    /Normal\s+ScalingReplicaSet\s+deployment\/details-v1\s+Scaled up replica set details-v1-\S+ from 0 to 1/,
  );
  assert.match(out, /Normal\s+SuccessfulCreate\s+replicaset\/details-v1-\S+\s+Created pod: details-v1-/);
});

test('kubectl describe pod ends with the pod’s own events', () => {
  const out = kubectl('describe', 'pod', '-n', NS, '-l', 'app=sleep');
  const events = out.slice(out.lastIndexOf('Events:'));
  assert.match(events, /Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned bookinfo\/sleep-/);
  assert.match(events, /Started\s+\S+\s+kubelet\s+Started container sleep/);
  assert.match(events, /Started\s+\S+\s+kubelet\s+Started container istio-proxy/);
  assert.doesNotMatch(events, /details-v1/, 'only this pod’s events');
});

test('a crash-looping pod shows BackOff warnings counted in one event, and kubectl events lists them', async () => {
  const crash = crashingDeployment('crasher');
  kubectlRun(['apply', '-n', NS, '-f', '-'], crash);
  try {
    const event = await eventually(
      'a BackOff event seen twice',
      () => {
        const items = kubectlJson<{ items: (Obj & { reason?: string; count?: number })[] }>(
          'get',
          'events',
          '-n',
          NS,
          '--field-selector',
          'reason=BackOff',
        ).items.filter((e) => e.metadata.name.startsWith('crasher-'));
        return items.length === 1 && (items[0]?.count ?? 0) >= 2 ? items[0] : undefined;
      },
      60_000,
    );
    assert.ok(event);
    const listed = kubectl('events', '-n', NS, '--for', `deployment/crasher`);
    assert.match(listed, /ScalingReplicaSet/);
    const described = kubectl('describe', 'pod', '-n', NS, '-l', 'app=crasher');
    assert.match(
      described,
      /Warning\s+BackOff\s+\S+ \(x\d+ over \S+\)\s+kubelet\s+Back-off restarting failed container app/,
    );
  } finally {
    kubectlRun(['delete', 'deploy', '-n', NS, 'crasher']);
  }
});

// ---- ReplicaSets, rollout history and undo ----

test('kubectl get rs shows one ReplicaSet per deployment, owning its pods', () => {
  const table = rows(kubectl('get', 'rs', '-n', NS));
  const details = table.filter((r) => r[0]?.startsWith('details-v1-'));
  assert.deepEqual(
    details.map((r) => r.slice(1, 4)),
    [['1', '1', '1']],
  );
  const rs = kubectlJson<{ items: Obj[] }>('get', 'rs', '-n', NS, '-l', 'app=details').items[0] as Obj;
  assert.equal(rs.metadata.ownerReferences?.[0]?.kind, 'Deployment');
  const pod = podsOf('details')[0] as Obj;
  assert.deepEqual(
    pod.metadata.ownerReferences?.map((o) => [o.kind, o.name]),
    [['ReplicaSet', rs.metadata.name]],
  );
  assert.equal(pod.metadata.labels?.['pod-template-hash'], rs.metadata.labels?.['pod-template-hash']);
});

test('kubectl rollout history lists revisions and rollout undo goes back to the previous template', async () => {
  const image = (d: Obj) =>
    ((d.spec?.template as { spec: { containers: { image: string }[] } }).spec.containers[0] as { image: string }).image;
  const first = image(kubectlJson<Obj>('get', 'deploy', '-n', NS, 'reviews-v1'));
  kubectl('set', 'image', '-n', NS, 'deploy/reviews-v1', 'reviews=docker.io/istio/examples-bookinfo-reviews-v1:1.20.9');
  kubectl('annotate', '-n', NS, 'deploy/reviews-v1', 'kubernetes.io/change-cause=try 1.20.9', '--overwrite');
  kubectl('rollout', 'status', '-n', NS, 'deploy/reviews-v1', '--timeout=90s');
  const history = kubectl('rollout', 'history', '-n', NS, 'deploy/reviews-v1');
  assert.match(history, /^REVISION\s+CHANGE-CAUSE$/m);
  assert.match(history, /^1\s+<none>$/m);
  assert.match(history, /^2\s+try 1\.20\.9$/m);
  assert.match(kubectl('rollout', 'undo', '-n', NS, 'deploy/reviews-v1'), /rolled back/);
  kubectl('rollout', 'status', '-n', NS, 'deploy/reviews-v1', '--timeout=90s');
  assert.equal(image(kubectlJson<Obj>('get', 'deploy', '-n', NS, 'reviews-v1')), first);
  const after = kubectl('rollout', 'history', '-n', NS, 'deploy/reviews-v1');
  assert.match(after, /^2\s+try 1\.20\.9$/m);
  assert.match(after, /^3\s+/m, 'revision 1 came back as revision 3');
  assert.doesNotMatch(after, /^1\s+/m);
  await eventually('one reviews-v1 pod, of the first template', () => {
    const pods = podsOf('reviews').filter((p) => p.metadata.labels?.version === 'v1');
    return pods.length === 1 && ready(pods[0] as Obj) ? true : undefined;
  });
});

test('deleting a deployment removes its ReplicaSets and pods', async () => {
  kubectlRun(
    ['apply', '-n', NS, '-f', '-'],
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: doomed }\nspec:\n  selector: { matchLabels: { app: doomed } }\n' +
      '  template:\n    metadata: { labels: { app: doomed } }\n    spec: { containers: [{ name: c, image: curlimages/curl:8.16.0 }] }\n',
  );
  await eventually('doomed has a pod', () => (podsOf('doomed').length === 1 ? true : undefined), 60_000);
  kubectl('delete', 'deployment', 'doomed', '-n', NS);
  await eventually(
    'doomed ReplicaSet and pod gone',
    () =>
      kubectlJson<{ items: Obj[] }>('get', 'rs', '-n', NS, '-l', 'app=doomed').items.length === 0 &&
      podsOf('doomed').length === 0
        ? true
        : undefined,
    30_000,
  );
});

// ---- EndpointSlices ----

test('kubectl get endpointslices lists each service’s ready addresses, as its Endpoints do', () => {
  const slices = kubectlJson<{
    items: (Obj & { endpoints?: { addresses: string[]; conditions: { ready: boolean } }[] })[];
  }>('get', 'endpointslices', '-n', NS, '-l', 'kubernetes.io/service-name=reviews').items;
  assert.equal(slices.length, 1);
  const sliced = (slices[0]?.endpoints ?? [])
    .filter((e) => e.conditions.ready)
    .flatMap((e) => e.addresses)
    .sort();
  const ep = kubectlJson<{ subsets?: { addresses?: { ip: string }[] }[] }>('get', 'endpoints', '-n', NS, 'reviews');
  const listed = (ep.subsets ?? [])
    .flatMap((s) => s.addresses ?? [])
    .map((a) => a.ip)
    .sort();
  assert.equal(sliced.length, 3);
  assert.deepEqual(sliced, listed);
  assert.match(
    kubectl('get', 'endpointslices', '-n', NS),
    /^reviews-\w{5}\s+IPv4\s+9080\s+127\.\S+,127\.\S+,127\.\S+/m,
  );
});

// ---- explain ----

test('kubectl explain describes a kind and a nested field from the OpenAPI v3 schemas', () => {
  const pod = kubectl('explain', 'pods');
  assert.match(pod, /^KIND:\s+Pod$/m);
  assert.match(pod, /^VERSION:\s+v1$/m);
  assert.match(pod, /^\s+spec\s+<Object>/m);
  const strategy = kubectl('explain', 'deployment.spec.strategy.type');
  assert.match(strategy, /^FIELD: type <string>/m);
  assert.match(strategy, /ENUM:\s+Recreate\s+RollingUpdate/);
  assert.match(kubectl('explain', 'workloadentries.spec'), /address\s+<string>/);
  const bad = kubectlRun(['explain', 'deployment.spec.nosuchfield']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /nosuchfield/);
});

// ---- top ----

test('kubectl top pod shows CPU and memory per pod and per container, the sidecar as its own container', () => {
  const pods = rows(kubectl('top', 'pod', '-n', NS));
  assert.equal(pods.filter((r) => r[0]?.startsWith('details-v1-')).length, 1);
  for (const r of pods) {
    assert.match(r[1] ?? '', /^\d+m$/, r.join(' '));
    assert.match(r[2] ?? '', /^\d+Mi$/, r.join(' '));
    assert.ok(Number((r[2] ?? '').slice(0, -2)) > 5, `a node process uses more than 5 MiB: ${r.join(' ')}`);
  }
  const containers = rows(kubectl('top', 'pod', '-n', NS, '-l', 'app=details', '--containers'));
  assert.deepEqual(containers.map((r) => r[1]).sort(), ['details', 'istio-proxy']);
});

test('kubectl top node shows the node with its share of the host', () => {
  const [row] = rows(kubectl('top', 'node'));
  assert.equal(row?.[0], 'cluster-1-node');
  assert.match(row?.[1] ?? '', /^\d+m$/);
  assert.match(row?.[2] ?? '', /^\d+%$/);
  assert.match(row?.[3] ?? '', /^\d+Mi$/);
  assert.match(row?.[4] ?? '', /^\d+%$/);
});

// ---- One injection decision, with real processes ----

const tinyDeployment = (name: string, labels: string, annotations: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector: { app: ${name} }\n  ports: [{ name: http, port: 9080 }]\n---\n` +
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata:\n      labels: { app: ${name}${labels} }\n      annotations: { ${annotations} }\n    spec:\n      containers:\n        - name: app\n          image: docker.io/istio/examples-bookinfo-details-v1:1.20.1\n          ports: [{ containerPort: 9080 }]\n`;

function curlFromSleep(url: string): { status: number; stdout: string; stderr: string } {
  const res = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'bin', 'meshbridge.js'),
      '--cluster',
      'cluster-1',
      'exec',
      '-n',
      NS,
      'deploy/sleep',
      '--',
      'curl',
      '-s',
      '-m',
      '10',
      url,
    ],
    { env, encoding: 'utf8' },
  );
  return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

test('a pod annotated sidecar.istio.io/inject=false runs no sidecar and meshed clients reach it in plaintext', async () => {
  kubectlRun(['apply', '-n', NS, '-f', '-'], tinyDeployment('plain', '', '"sidecar.istio.io/inject": "false"'));
  await deploymentsReady(NS, ['plain']);
  const pod = podsOf('plain')[0] as Obj;
  const statuses = (pod.status?.containerStatuses ?? []) as { name: string }[];
  assert.deepEqual(
    statuses.map((c) => c.name),
    ['app'],
    'no istio-proxy container',
  );
  const processes = processesWith(`POD_NAME=${pod.metadata.name}`);
  assert.equal(processes.length, 1, 'one process: the app');
  const res = curlFromSleep(`http://plain.${NS}:9080/hello`);
  assert.equal(res.status, 0, res.stderr);
  assert.equal((JSON.parse(res.stdout) as { pod: string }).pod, pod.metadata.name);
});

test('a pod labelled sidecar.istio.io/inject=true in an unlabelled namespace runs a sidecar and is reached over mTLS', async () => {
  kubectl('create', 'namespace', 'optin');
  writeFileSync(join(home, 'optin.yaml'), tinyDeployment('optin', ', "sidecar.istio.io/inject": "true"', ''));
  kubectl('apply', '-n', 'optin', '-f', join(home, 'optin.yaml'));
  await deploymentsReady('optin', ['optin']);
  const pod = podsOf('optin', 'optin')[0] as Obj;
  const statuses = (pod.status?.containerStatuses ?? []) as { name: string }[];
  assert.deepEqual(statuses.map((c) => c.name).sort(), ['app', 'istio-proxy']);
  assert.equal(processesWith(`POD_NAME=${pod.metadata.name}`).length, 2, 'the app and its sidecar');
  const res = curlFromSleep('http://optin.optin:9080/hello');
  assert.equal(res.status, 0, res.stderr);
  assert.equal((JSON.parse(res.stdout) as { pod: string }).pod, pod.metadata.name);
});
