/**
 * Real kubectl (`/usr/bin/kubectl` 1.32, WebSocket `v5.channel.k8s.io`) runs commands in a pod of an embedded
 * cluster: output and error streams, piped input, the exit code, the pod's environment and directory,
 * `deploy/NAME`, clear errors for what cannot be run, and a command killed when kubectl goes away.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startExecCluster, type ExecCluster } from './exec-support.js';
import { alive, eventually } from './process-support.js';

let c: ExecCluster;

before(async () => {
  c = await startExecCluster(3);
});
after(() => c?.stop());

const exec = (args: string[], input?: string) => c.kubectl(['exec', '-n', 'bookinfo', ...args], input);

test('kubectl exec prints the command output and exits 0', async () => {
  const res = await exec([c.pod, '--', 'echo', 'hello', 'world']);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout, 'hello world\n');
  assert.equal(res.stderr, '');
});

test("kubectl exec keeps the command's stderr apart from its stdout", async () => {
  const res = await exec([c.pod, '--', 'node', '-e', 'process.stdout.write("out"); process.stderr.write("err")']);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout, 'out');
  assert.equal(res.stderr, 'err');
});

test('kubectl exec -i pipes stdin to the command and closes it at the end of the input', async () => {
  const input = 'line one\nline two\n'.repeat(2000);
  const res = await exec(['-i', c.pod, '--', 'wc', '-c'], input);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout.trim(), String(Buffer.byteLength(input)));
});

test("a non-zero exit code of the command becomes kubectl's exit code", async () => {
  const res = await exec([c.pod, '--', 'node', '-e', 'process.exit(7)']);
  assert.equal(res.status, 7);
  assert.match(res.stderr, /command terminated with exit code 7/);
});

test("the command runs with the pod container's environment and in the pod's directory, not through a shell", async () => {
  const env = await exec([c.pod, '--', 'printenv', 'GREETING', 'POD_NAME', 'POD_NAMESPACE', 'POD_IP']);
  assert.equal(env.status, 0, env.stderr);
  const [greeting, name, namespace, ip] = env.stdout.trim().split('\n');
  assert.equal(greeting, 'hello from the pod');
  assert.equal(name, c.pod);
  assert.equal(namespace, 'bookinfo');
  assert.match(ip ?? '', new RegExp(`^127\\.${c.cluster.info.block}\\.`));
  const cwd = await exec([c.pod, '--', 'pwd']);
  assert.equal(cwd.stdout.trim(), join(c.dir, 'cluster', 'pods', `bookinfo_${c.pod}`));
  // A shell would expand `$HOME` and `;`: the argument arrives as typed.
  const literal = await exec([c.pod, '--', 'echo', '$HOME;', 'id']);
  assert.equal(literal.stdout, '$HOME; id\n');
});

test('kubectl exec deploy/NAME resolves the deployment to its pod', async () => {
  const res = await exec(['deploy/sleep', '--', 'printenv', 'POD_NAME']);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout.trim(), c.pod);
});

test('an unknown program is a clear error with exit code 127', async () => {
  const res = await exec([c.pod, '--', 'no-such-program-here']);
  assert.equal(res.status, 127);
  assert.match(res.stderr, /"no-such-program-here": executable file not found in \$PATH/);
});

test('an unknown pod and an unknown container are clear errors', async () => {
  const pod = await exec(['no-such-pod', '--', 'true']);
  assert.notEqual(pod.status, 0);
  assert.match(pod.stderr, /pods "no-such-pod" not found/);
  const container = await exec(['-c', 'nope', c.pod, '--', 'true']);
  assert.notEqual(container.status, 0);
  assert.match(container.stderr, /container nope not found|not valid for pod/);
});

test('the command is killed when kubectl goes away', async () => {
  const marker = `exec-kill-${process.pid}-${Date.now()}`;
  const child = c.kubectlChild(['exec', '-n', 'bookinfo', c.pod, '--', 'sleep', '300', marker]);
  const pid = await eventually('the exec command to start', () => findProcess(marker));
  child.kill('SIGKILL');
  await eventually('the exec command to be killed', () => (alive(pid) ? undefined : true), 10_000);
});

/** The pid of a live process whose command line contains `marker`. */
function findProcess(marker: string): number | undefined {
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (args.includes(marker) && alive(Number(name))) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
