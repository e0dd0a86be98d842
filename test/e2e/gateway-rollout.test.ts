/**
 * East-West gateway rollouts under cross-cluster traffic: with cluster-1's details gone, every details request
 * from cluster-1 crosses cluster-2's gateway. Re-applying the gateway (with the seed's istio-locality overlay, then
 * without) rolls its Deployment: the new pod runs beside the old one (the cluster's L4 load balancer owns the
 * Service's addresses, not a pod), becomes Ready, the old one is removed and drains. No request may fail, and no
 * gateway pod may crash or wait in CrashLoopBackOff at any time.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXAMPLES } from '../support/paths.js';
import { C1, C2, Walkthrough, type GatewayPodState } from '../../src/demo/walkthrough.js';
import { Runner } from '../../src/demo/runner.js';

const home = mkdtempSync(join(tmpdir(), 'mb-gateway-rollout-'));
process.env.MESHBRIDGE_IP_BLOCK_BASE ??= String(100 + Math.floor(Math.random() * 100));
const kubectlPath = execFileSync('sh', ['-c', 'command -v kubectl || true'], { encoding: 'utf8' }).trim();
if (!kubectlPath) throw new Error('kubectl is not installed: this test drives the clusters with real kubectl');
const lines: string[] = [];
const walk = new Walkthrough({ home, examples: EXAMPLES, print: (l) => lines.push(l), kubectl: kubectlPath });
const cli = new Runner({ home, print: () => {} });
const RATE = 20;
const DETAILS = 'http://details.bookinfo:9080/details/0';

after(async () => {
  await cli.meshbridge(['local', 'down'], { quiet: true, allowFail: true });
  rmSync(home, { recursive: true, force: true });
});

function kubectl(context: string, ...args: string[]): string {
  return execFileSync(kubectlPath, ['--kubeconfig', join(home, 'kubeconfig'), '--context', context, ...args], {
    encoding: 'utf8',
  });
}

interface Outcome {
  readonly ok: boolean;
  readonly cluster?: string;
  readonly error?: string;
}

/** One GET through the sleep pod's sidecar (its `http_proxy`, credential included). */
function get(proxy: URL): Promise<Outcome> {
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: proxy.hostname,
        port: Number(proxy.port),
        path: DETAILS,
        headers: { host: 'details.bookinfo:9080', 'proxy-authorization': auth },
        timeout: 15_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          const servedBy = String(res.headers['x-meshbridge-served-by'] ?? '');
          const cluster = servedBy.split('@')[1];
          resolve(
            res.statusCode === 200
              ? { ok: true, ...(cluster ? { cluster } : {}) }
              : { ok: false, error: `HTTP ${res.statusCode} ${body.split('\n')[0]?.slice(0, 80) ?? ''}` },
          );
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (err) => resolve({ ok: false, error: err.message }));
    req.end();
  });
}

/** Sends RATE requests per second until stopped; resolves with every outcome once in-flight ones finish. */
function steadyLoad(proxy: URL): { stop(): Promise<Outcome[]> } {
  const inflight: Promise<Outcome>[] = [];
  const timer = setInterval(() => inflight.push(get(proxy)), 1000 / RATE);
  return {
    stop: async () => {
      clearInterval(timer);
      return Promise.all(inflight);
    },
  };
}

test(
  'gateway rollouts under cross-cluster load lose no request and never crash a gateway pod',
  { timeout: 600_000 },
  async (t) => {
    // Steps 1-4 of the seed: bookinfo in both clusters, the East-West gateway in cluster-2, the workspace.
    for (const [name, step] of walk.steps().slice(0, 4)) {
      try {
        await step();
      } catch (err) {
        process.stderr.write(lines.slice(-40).join('\n') + '\n');
        throw new Error(`setup step ${name} failed: ${String(err)}`);
      }
    }
    const proxyText = (
      await cli.meshbridge(
        ['--cluster', C1, 'exec', '-n', 'bookinfo', 'deploy/sleep', '--', 'printenv', 'http_proxy'],
        {
          quiet: true,
        },
      )
    ).stdout.trim();
    const proxy = new URL(proxyText);
    kubectl(C1, 'scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=0');
    // Wait until cluster-1's details are gone and requests cross the gateway.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const probes = await Promise.all(Array.from({ length: 5 }, () => get(proxy)));
      if (probes.every((p) => p.ok && p.cluster === C2)) break;
      assert.ok(Date.now() < deadline, `details never moved to ${C2}: ${JSON.stringify(probes)}`);
      await sleep(500);
    }

    for (const [file, locality] of [
      ['eastwest-gateway-locality.yaml', 'eu-remote-1'],
      ['eastwest-gateway.yaml', undefined],
    ] as const) {
      await t.test(`re-applying ${file} rolls the gateway out with 0 failed requests`, async () => {
        const before = await walk.gatewayPods();
        const load = steadyLoad(proxy);
        await sleep(1000);
        kubectl(C2, 'apply', '-f', join(EXAMPLES, file));
        // Watch every gateway pod during the rollout: none may crash or wait in a back-off.
        const seen = new Map<string, GatewayPodState>();
        let after: GatewayPodState[] = [];
        const until = Date.now() + 90_000;
        for (;;) {
          after = await walk.gatewayPods();
          for (const p of after) seen.set(p.name, p);
          const done = after.length === 1 && after[0]?.ready === true && after[0].locality === locality;
          if (done) break;
          assert.ok(Date.now() < until, `the rollout did not finish: ${JSON.stringify(after)}`);
          for (const p of after) {
            assert.equal(p.waiting === 'CrashLoopBackOff' || p.restarts > 0, false, `${p.name}: ${JSON.stringify(p)}`);
          }
          await sleep(300);
        }
        await sleep(2000); // the old pod drains; requests keep flowing through the new one
        const outcomes = await load.stop();
        const failed = outcomes.filter((o) => !o.ok);
        const reasons = [...new Set(failed.map((o) => o.error))];
        t.diagnostic(
          `${file}: ${outcomes.length} requests, ${failed.length} failed; pods ${[...seen.values()].map((p) => p.name).join(', ')}`,
        );
        assert.ok(outcomes.length >= 3 * RATE, `a steady stream was sent (${outcomes.length})`);
        assert.equal(failed.length, 0, `${failed.length} of ${outcomes.length} failed: ${reasons.join('; ')}`);
        assert.equal(
          outcomes.filter((o) => o.cluster === C2).length,
          outcomes.length,
          'every request crossed the gateway',
        );
        assert.ok(
          before.every((b) => !after.some((a) => a.name === b.name)),
          'the old pod was removed',
        );
        assert.equal(after[0]?.phase, 'Running');
        assert.equal(after[0]?.restarts, 0);
        assert.ok(
          [...seen.values()].every((p) => p.restarts === 0 && p.waiting !== 'CrashLoopBackOff'),
          'no gateway pod ever crashed',
        );
      });
    }
  },
);
