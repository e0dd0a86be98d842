/**
 * What the federation controller tests start from: two embedded cluster APIs holding a plan case's raw objects, a
 * kubeconfig for them, and the case's configuration with each cluster pointing at its API. After the test the
 * controller put in `running` is stopped first, then the APIs, and the files are removed.
 */
import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedApi, kubeconfigFor } from './embedded-api.js';
import { loadCase, type ExpandedCase } from './cases.js';
import type { FederationController } from '../../../src/federation/controller.js';
import type { FederationConfig } from '../../../src/federation/types.js';

const CASES = new URL('../plan-cases/', import.meta.url).pathname;

/** The seeded clusters of one test. */
export interface SeededClusters {
  readonly servers: { readonly 'cluster-1': EmbeddedApi; readonly 'cluster-2': EmbeddedApi };
  readonly expanded: ExpandedCase;
  /** The kubeconfig file: one context per API, named after its cluster. */
  readonly kubeconfig: string;
  /** The case's configuration, each cluster's `spec.kubeconfig` naming its API. */
  readonly config: FederationConfig;
  /** Set the test's controller here: it is stopped before the APIs. */
  readonly running: { controller?: FederationController };
}

/** Starts the two APIs of `plan-cases/<caseName>.yaml` for test `t`. */
export async function seededClusters(t: TestContext, caseName: string): Promise<SeededClusters> {
  const servers = { 'cluster-1': new EmbeddedApi(), 'cluster-2': new EmbeddedApi() };
  const dir = mkdtempSync(join(tmpdir(), 'mb-seeded-'));
  const running: { controller?: FederationController } = {};
  t.after(async () => {
    await running.controller?.stop();
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });
  await Promise.all(Object.values(servers).map((s) => s.start()));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(servers));
  const { expanded } = loadCase(join(CASES, `${caseName}.yaml`));
  for (const [name, raw] of Object.entries(expanded.raw)) {
    const s = servers[name as keyof typeof servers];
    for (const o of [...raw.namespaces, ...raw.nodes, ...raw.services, ...raw.pods, ...raw.ingressGateways])
      s.put(o as never);
  }
  const config: FederationConfig = {
    ...expanded.config,
    clusters: expanded.config.clusters.map((c) => ({
      ...c,
      spec: { ...c.spec, kubeconfig: { path: kubeconfig, context: c.metadata.name } },
    })),
  };
  return { servers, expanded, kubeconfig, config, running };
}
