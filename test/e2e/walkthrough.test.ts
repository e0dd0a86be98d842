/**
 * The seed walkthrough end to end on two local clusters: every step's result asserted on the values the steps
 * gather (not on printed text), and the seed's kubectl commands run with real kubectl.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { EXAMPLES } from '../support/paths.js';
import { Walkthrough, C1, C2 } from '../../src/demo/walkthrough.js';
import { Runner } from '../../src/demo/runner.js';

const home = mkdtempSync(join(tmpdir(), 'mb-walkthrough-'));
// A loopback block of our own (127.<base+k>.*), so suites running beside this one never share pod addresses.
process.env.MESHBRIDGE_IP_BLOCK_BASE ??= String(100 + Math.floor(Math.random() * 100));
const lines: string[] = [];
// The seed's kubectl commands run with real kubectl (.ci/run installs it), `kubectl exec` included.
const kubectlPath = execFileSync('sh', ['-c', 'command -v kubectl || true'], { encoding: 'utf8' }).trim();
if (!kubectlPath)
  throw new Error('kubectl is not installed: this test runs the seed with real kubectl (.ci/run installs it)');
const walk = new Walkthrough({ home, examples: EXAMPLES, print: (l) => lines.push(l), kubectl: kubectlPath });

after(async () => {
  await new Runner({ home, print: () => {} }).meshbridge(['local', 'down'], { quiet: true, allowFail: true });
  rmSync(home, { recursive: true, force: true });
});

function kubectl(context: string, ...args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', join(home, 'kubeconfig'), '--context', context, ...args], {
    encoding: 'utf8',
  });
}

test('the seed walkthrough works step by step on two local clusters', { timeout: 600_000 }, async (t) => {
  const steps = walk.steps();
  // Each step builds on the ones before: after a failure the later steps fail at once instead of timing out.
  let broken: string | undefined;
  for (const [name, step] of steps) {
    await t.test(name, async () => {
      if (broken) throw new Error(`not run: an earlier step failed (${broken})`);
      try {
        await step();
      } catch (err) {
        broken = name;
        process.stderr.write(lines.slice(-40).join('\n') + '\n');
        throw err;
      }
    });
    if (name.startsWith('1.')) {
      await t.test("the page is fetched with the seed's own kubectl exec command, through the cluster API", () => {
        const typed = lines.filter((l) => l.startsWith('$ kubectl') && / exec /.test(l));
        assert.ok(typed.length > 0, 'no kubectl exec was run');
        assert.ok(
          typed.some((l) =>
            l.endsWith('exec deploy/sleep -n bookinfo -- curl -s productpage.bookinfo:9080/productpage'),
          ),
          typed.join('\n'),
        );
        assert.equal(lines.filter((l) => /^\$ meshbridge .* exec /.test(l)).length, 0, 'meshbridge exec was used');
      });
    }
    if (name.startsWith('4.')) {
      await t.test(
        'cluster-1 lists k-<service>-<hash>, -2, -3 for every bookinfo service with the gateway addresses',
        () => {
          const entries = walk.report.entries;
          assert.ok(entries, 'entries were gathered');
          assert.deepEqual([...entries.keys()].sort(), ['details', 'productpage', 'ratings', 'reviews']);
          for (const addresses of entries.values()) assert.deepEqual(addresses, walk.report.gatewayAddresses);
          assert.equal(walk.report.gatewayAddresses?.length, 3);
        },
      );
      await t.test('real kubectl shows the entries as the seed does (NAME AGE ADDRESS)', () => {
        const out = kubectl(C1, 'get', 'we', '-n', 'bookinfo');
        assert.match(out.split('\n')[0] ?? '', /^NAME\s+AGE\s+ADDRESS/);
        assert.match(out, /^k-details-[0-9a-f]{32}-2\s+\S+\s+127\.\d+\.\d+\.\d+$/m);
      });
      await t.test("real kubectl shows cluster-2's Gateway exporting exactly the workspace's services", () => {
        const list = JSON.parse(kubectl(C2, 'get', 'gateways.networking.istio.io', '-A', '-o', 'json')) as {
          items: { metadata: { name: string; namespace: string; labels: Record<string, string> }; spec: unknown }[];
        };
        assert.deepEqual(
          list.items.map((g) => [g.metadata.namespace, g.metadata.name, g.metadata.labels['meshbridge.io/managed-by']]),
          [['bookinfo', 'meshbridge-eastwest-eastwest-gateway', 'meshbridge-federation']],
        );
        assert.deepEqual(list.items[0]?.spec, {
          selector: { app: 'eastwest-gateway' },
          servers: [
            {
              port: { number: 15443, name: 'tls', protocol: 'TLS' },
              hosts: ['details', 'productpage', 'ratings', 'reviews'].map((s) => `${s}.bookinfo.svc.cluster.local`),
              tls: { mode: 'AUTO_PASSTHROUGH' },
            },
          ],
        });
      });
    }
    if (name.startsWith('5.')) {
      await t.test('failover under load lost no request and reached cluster-2 within a second', () => {
        const f = walk.report.failover;
        assert.ok(f, 'failover figures were gathered');
        assert.ok(f.sent >= 20, `a steady stream was sent (${f.sent})`);
        assert.equal(f.failed, 0);
        assert.ok((f.servedBy[C2] ?? 0) > 0, 'some requests were served by cluster-2');
        assert.ok(f.timeToRemoteMs !== undefined && f.timeToRemoteMs < 1000, `time to remote ${f.timeToRemoteMs} ms`);
      });
      await t.test("productpage's sidecar recorded the episode: meshbridge history shows it with its figures", () => {
        const e = walk.report.recordedFailover;
        assert.ok(e, 'an episode was recorded');
        assert.deepEqual([e.source.cluster, e.from, e.to, e.open], [C1, C1, C2, false]);
        assert.match(e.source.pod, /^productpage-v1-/);
        assert.ok(['priority-shift', 'ejection', 'panic-entered', 'served-remote'].includes(e.trigger.kind));
        assert.ok(e.timeToFailoverMs >= 0 && e.timeToFailoverMs < 5000, `time to fail over ${e.timeToFailoverMs} ms`);
        assert.equal(e.requestsFailed, 0, 'no details request failed, as no page did');
        assert.ok(
          e.timeToFailbackMs !== undefined && e.timeToFailbackMs >= 0,
          `time to fail back ${e.timeToFailbackMs}`,
        );
        const printed = lines.filter((l) => l.includes('failover episode'));
        assert.ok(printed.length > 0, 'the demo printed meshbridge history');
        assert.ok(
          lines.some((l) => l.includes(`${C1}/${e.source.pod}`) && l.includes(e.trigger.kind)),
          'the printed history has the episode row',
        );
      });
    }
    if (name.startsWith('6.')) {
      await t.test('same region splits traffic; the istio-locality overlay keeps it local', () => {
        const s = walk.report.sameRegion;
        assert.ok(s);
        assert.ok((s.beforeOverlay[C2] ?? 0) > 0);
        assert.equal(s.afterOverlay[C2] ?? 0, 0);
        assert.ok((s.afterOverlay[C1] ?? 0) > 0);
      });
      await t.test('the overlay rolls the gateway out: its one pod is Running and Ready, none crash-looping', () => {
        const r = walk.report.gatewayRollout;
        assert.ok(r, 'gateway rollout figures were gathered');
        assert.equal(r.podsAfterOverlay.length, 1, 'the old pod was removed');
        for (const p of r.podsAfterOverlay) {
          assert.equal(p.phase, 'Running', p.name);
          assert.equal(p.ready, true, p.name);
          assert.equal(p.waiting, undefined, `${p.name} waits: ${p.waiting ?? ''}`);
          assert.equal(p.restarts, 0, `${p.name} restarted`);
          assert.equal(p.locality, 'eu-remote-1');
        }
      });
    }
    if (name.startsWith('7.')) {
      await t.test('without cluster-1-network -> cluster-2-network there are no entries and explain says why', () => {
        const r = walk.report.reachability;
        assert.ok(r);
        assert.equal(r.entriesWithoutRule, 0);
        assert.match(r.explain, /cluster-2/);
        assert.match(r.explain, /reach/i);
        assert.equal(r.entriesWithRule, 12);
      });
    }
  }
  await t.test('the seed clean-up with real kubectl leaves cluster-2 without bookinfo', async () => {
    kubectl(C1, 'delete', '-n', 'bookinfo', '-f', join(EXAMPLES, 'sleep.yaml'));
    kubectl(C1, 'scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=1');
    kubectl(C2, 'delete', 'ingressgateway', '-n', 'bookinfo', 'eastwest-gateway');
    kubectl(C2, 'delete', '-n', 'bookinfo', '-f', join(EXAMPLES, 'bookinfo.yaml'));
    kubectl(C2, 'delete', 'namespace', 'bookinfo');
    const left = kubectl(C2, 'get', 'deployments', '-A', '-o', 'name');
    assert.equal(left.trim(), '');
  });
});
