/**
 * GitOps end to end on local clusters: with `MESHBRIDGE_GITOPS=cluster-1/meshbridge-config`, cluster-1 plays the
 * management cluster. The seed's workspace and East-West setting, written as custom resources and applied with
 * real kubectl (no `meshbridge apply`), produce the WorkloadEntries in cluster-1 that the REST API's apply
 * produces in the walkthrough; the setting's CR reads Ready once the controller reports it; what `local up`
 * registered through the API has CRs; deleting the setting's CR with kubectl deletes the setting and its entries.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments, stringify } from 'yaml';
import { EXAMPLES } from '../support/paths.js';
import { Runner } from '../../src/demo/runner.js';
import { C1, C2, Walkthrough } from '../../src/demo/walkthrough.js';
import { crOf } from '../../src/mgmt/gitops/cr-form.js';
import type { MgmtObject } from '../../src/mgmt/model.js';

const home = mkdtempSync(join(tmpdir(), 'mb-gitops-local-'));
process.env.MESHBRIDGE_IP_BLOCK_BASE ??= String(100 + Math.floor(Math.random() * 100));
// Read by the control process `local up` starts (through the supervisor's environment).
process.env.MESHBRIDGE_GITOPS = `${C1}/meshbridge-config`;
const kubectlPath = execFileSync('sh', ['-c', 'command -v kubectl || true'], { encoding: 'utf8' }).trim();
if (!kubectlPath) throw new Error('kubectl is not installed: this test applies the CRs with real kubectl');
const lines: string[] = [];
const walk = new Walkthrough({ home, examples: EXAMPLES, print: (l) => lines.push(l), kubectl: kubectlPath });
const cli = new Runner({ home, print: () => {} });

after(async () => {
  await cli.meshbridge(['local', 'down'], { quiet: true, allowFail: true });
  rmSync(home, { recursive: true, force: true });
  delete process.env.MESHBRIDGE_GITOPS;
});

function kubectl(...args: string[]): string {
  return execFileSync(kubectlPath, ['--kubeconfig', join(home, 'kubeconfig'), '--context', C1, ...args], {
    encoding: 'utf8',
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    let v: T | undefined;
    try {
      v = probe();
    } catch {
      v = undefined;
    }
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

type Cr = { metadata: { name: string }; status?: { conditions?: { type: string; status: string; message: string }[] } };
const ready = (cr: Cr | undefined) => cr?.status?.conditions?.find((c) => c.type === 'Ready');
const detailsEntries = () =>
  (JSON.parse(kubectl('get', 'workloadentries', '-n', 'bookinfo', '-o', 'json')) as { items: Cr[] }).items.filter(
    (we) => we.metadata.name.startsWith('k-details-'),
  );

test('the seed configured through custom resources applied with kubectl', { timeout: 600_000 }, async () => {
  // Steps 1 and 3 of the seed: bookinfo in both clusters, the East-West gateway in cluster-2.
  for (const [name, step] of walk.steps().filter(([n]) => n.startsWith('1.') || n.startsWith('3.'))) {
    try {
      await step();
    } catch (err) {
      process.stderr.write(lines.slice(-40).join('\n') + '\n');
      throw new Error(`setup step ${name} failed: ${String(err)}`);
    }
  }
  // The CRDs `meshbridge install` prints are in cluster-1; what local up registered through the API has CRs.
  await waitFor('the WorkspaceSetting CRD', () => kubectl('get', 'crd', 'workspacesettings.api.tsb.tetrate.io'));
  const clusters = await waitFor('CRs of the registered clusters, Ready', () => {
    const items = (
      JSON.parse(kubectl('get', 'clusters.api.tsb.tetrate.io', '-n', 'meshbridge-config', '-o', 'json')) as {
        items: Cr[];
      }
    ).items;
    return items.length === 2 && items.every((c) => ready(c)?.status === 'True') ? items : undefined;
  });
  assert.deepEqual(clusters.map((c) => c.metadata.name).sort(), [C1, C2]);

  // The seed's workspace and setting as CRs, in a team's namespace, applied with kubectl.
  const objects = ['workspace.yaml', 'workspace-setting.yaml'].flatMap((f) =>
    parseAllDocuments(readFileSync(join(EXAMPLES, f), 'utf8')).map((d) => d.toJS() as MgmtObject),
  );
  const file = join(home, 'crs.yaml');
  writeFileSync(file, objects.map((o) => stringify(crOf(o, 'team-bookinfo'))).join('---\n'));
  kubectl('create', 'namespace', 'team-bookinfo');
  kubectl('apply', '-f', file);

  // The same WorkloadEntries the REST API's apply produces, and the setting's CR reads Ready.
  const entries = await waitFor("cluster-1's WorkloadEntries for cluster-2's details", () => {
    const e = detailsEntries();
    return e.length > 0 ? e : undefined;
  });
  const setting = await waitFor('the WorkspaceSetting CR Ready', () => {
    const cr = JSON.parse(
      kubectl('get', 'workspacesettings', 'bookinfo-ws-setting', '-n', 'team-bookinfo', '-o', 'json'),
    ) as Cr;
    return ready(cr)?.status === 'True' ? cr : undefined;
  });
  process.stdout.write(`# ${entries.length} details entries; setting Ready: ${ready(setting)?.message}\n`);
  // The controller forwards cluster-1's xDS convergence: `meshbridge status` shows each Service written -> in xDS
  // -> ACKed by N of M proxies (details' proxies hold the new entries once they ACKed them).
  let statusText = '';
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    statusText = (await cli.meshbridge(['status', 'cluster', C1], { quiet: true, allowFail: true })).stdout;
    if (
      /Service bookinfo\/details: written rev \d+ .*-> in xDS rev \d+ -> ACKed by (\d+) of \1 proxies: Converged/.test(
        statusText,
      )
    )
      break;
    await sleep(1000);
  }
  assert.match(statusText, /xDS convergence/);
  assert.match(
    statusText,
    /Service bookinfo\/details: written rev \d+ .*-> in xDS rev \d+ -> ACKed by (\d+) of \1 proxies: Converged/,
  );
  const summary = (await cli.meshbridge(['status'], { quiet: true })).stdout;
  assert.match(summary, new RegExp(`${C1}: \\d+ of \\d+ objects Converged`));
  const stored = await cli.meshbridge(['get', 'workspacesetting', 'bookinfo-ws-setting', '-o', 'json'], {
    quiet: true,
  });
  assert.equal((JSON.parse(stored.stdout) as { metadata: { workspace: string } }).metadata.workspace, 'bookinfo-ws');
  // What a pipeline runs after applying: kubectl waits on the kstatus condition.
  const waited = kubectl(
    'wait',
    '--for=condition=Ready',
    'workspacesettings/bookinfo-ws-setting',
    '-n',
    'team-bookinfo',
    '--timeout=30s',
  );
  assert.match(waited, /bookinfo-ws-setting condition met/);

  // kubectl delete of the setting's CR: the setting goes, and with it the entries.
  kubectl('delete', '-f', file, '--ignore-not-found');
  await waitFor('the entries gone', () => (detailsEntries().length === 0 ? true : undefined));
  const gone = await cli.meshbridge(['get', 'workspacesetting', 'bookinfo-ws-setting'], {
    quiet: true,
    allowFail: true,
  });
  assert.notEqual(gone.code, 0, 'the setting is no longer stored');
});
