/**
 * `meshbridge --cluster C exec -n NS deploy/NAME|pod/NAME|NAME -- CMD...`: runs CMD on this host with the pod's
 * environment (POD_IP, HTTP_PROXY when the pod has a sidecar, ...) and in its directory; CMD's stdout, stderr and
 * exit code pass through. Pods are processes here, so "inside the pod" means "with the pod's environment".
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { KINDS, type KindInfo } from '../../api/index.js';
import type { KubeRest } from '../../kube/rest.js';
import { clusterClient, kindPath } from './cluster-client.js';
import { clusterOf, runClusterCommand } from './cluster-shared.js';

const kind = (plural: string): KindInfo => KINDS.find((k) => k.plural === plural && k.scope === 'cluster') as KindInfo;

interface Pod {
  metadata: { name: string; creationTimestamp?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

async function podFor(client: KubeRest, namespace: string, target: string): Promise<string> {
  const [type, name] = target.includes('/') ? (target.split('/', 2) as [string, string]) : ['pod', target];
  if (['pod', 'pods', 'po'].includes(type)) return name;
  if (!['deploy', 'deployment', 'deployments'].includes(type)) throw new Error(`cannot exec into "${type}"`);
  const deploy = await client.request<{ spec?: { selector?: { matchLabels?: Record<string, string> } } }>(
    'GET',
    kindPath(kind('deployments'), namespace, name),
  );
  const selector = Object.entries(deploy.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await client.request<{ items: Pod[] }>(
    'GET',
    `${kindPath(kind('pods'), namespace)}?labelSelector=${encodeURIComponent(selector)}`,
  );
  const ready = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const pick = pods.items.find(ready) ?? pods.items.find((p) => p.status?.phase === 'Running');
  if (!pick) throw new Error(`deployment ${name} has no running pod`);
  return pick.metadata.name;
}

export function registerClusterExec(program: Command): void {
  program
    .command('exec')
    .description('run a command with the environment of a pod of the cluster given with --cluster')
    .argument('<target>', 'deploy/NAME, pod/NAME or a pod name')
    .argument('<command...>', 'the command (after --)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .action((target: string, command: string[], opts: { namespace: string }, cmd: Command) =>
      runClusterCommand(async () => {
        const client = clusterClient(clusterOf(cmd, 'exec'));
        const pod = await podFor(client, opts.namespace, target);
        const ctx = await client.request<{ env: Record<string, string>; cwd: string }>(
          'GET',
          `/meshbridge/v1/namespaces/${encodeURIComponent(opts.namespace)}/pods/${encodeURIComponent(pod)}/exec-context`,
        );
        const [file, ...args] = command;
        if (!file) throw new Error('give the command to run after --');
        const code = await new Promise<number>((resolve, reject) => {
          const child = spawn(file, args, { env: ctx.env, cwd: ctx.cwd, stdio: 'inherit' });
          child.once('error', (err) => reject(new Error(`cannot run ${file}: ${err.message}`)));
          child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 + 9 : 1)));
        });
        process.exitCode = code;
      }),
    );
}
