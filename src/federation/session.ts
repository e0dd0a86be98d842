/**
 * One-shot evaluation for the CLI: fetch the configuration, read every registered cluster once, resolve gateway
 * names, plan. The controller does the same continuously; `explain` uses this.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { ClusterClient } from '../kube/client.js';
import { configFromObjects, fetchSnapshot } from './config-source.js';
import { readInventory } from './connect.js';
import type { ClusterInventory } from './inventory.js';
import { plan, type PlanOutput } from './plan.js';
import { resolveGatewayNames, systemResolver, type Resolver } from './resolve.js';
import type { Cluster, FederationConfig } from './types.js';

/** Where the configuration comes from: the management plane, or TSB YAML files. */
export type ConfigOrigin =
  { type: 'mgmt'; url: string; token: string; fetch?: typeof fetch } | { type: 'files'; files: string[] };

/** Loads the configuration once. */
export async function loadConfig(origin: ConfigOrigin): Promise<FederationConfig> {
  switch (origin.type) {
    case 'mgmt':
      return (
        await fetchSnapshot({ url: origin.url, token: origin.token, ...(origin.fetch ? { fetch: origin.fetch } : {}) })
      ).config;
    case 'files': {
      const objects: unknown[] = [];
      for (const f of origin.files) {
        for (const d of parseAllDocuments(await readFile(f, 'utf8'))) objects.push(d.toJSON());
      }
      return configFromObjects(objects);
    }
  }
}

/** The result of `evaluate`. */
export interface Evaluation {
  config: FederationConfig;
  inventories: ClusterInventory[];
  plan: PlanOutput;
  /** Clusters that could not be read, with the error. */
  unreachable: { cluster: string; message: string }[];
}

/** Reads every registered cluster once and plans. */
export async function evaluate(options: {
  config: FederationConfig;
  connect: (c: Cluster) => ClusterClient;
  resolver?: Resolver;
}): Promise<Evaluation> {
  const unreachable: Evaluation['unreachable'] = [];
  const inventories = (
    await Promise.all(
      options.config.clusters.map(async (c) => {
        try {
          return await readInventory(options.connect(c));
        } catch (err) {
          unreachable.push({ cluster: c.metadata.name, message: (err as Error).message });
          return undefined;
        }
      }),
    )
  ).filter((i): i is ClusterInventory => i !== undefined);
  const resolved = await resolveGatewayNames(inventories, options.resolver ?? systemResolver);
  return {
    config: options.config,
    inventories,
    plan: plan({ config: options.config, inventories, resolved }),
    unreachable,
  };
}
