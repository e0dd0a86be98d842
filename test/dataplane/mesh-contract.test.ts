import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { XdsState } from '../../src/dataplane/xds/snapshot.js';
import { emptyState } from '../../src/dataplane/xds/snapshot.js';
import { parseCluster, parseEndpoints, parseListener, parseRouteConfig } from '../../src/dataplane/xds/model.js';
import { decodeAny, encodeAny, TYPE_URLS } from '../../src/xds/index.js';
import { ProxyRuntime } from '../../src/dataplane/runtime.js';
import { REPO_ROOT } from '../support/paths.js';

// Contract C from the consumer side: every golden output of the mesh translation, encoded to protobuf and
// decoded again as it travels over ADS, is accepted by the data plane's parsers and wires up a usable runtime.
const GOLDEN = join(REPO_ROOT, 'test/mesh/golden');
const cases = existsSync(GOLDEN) ? readdirSync(GOLDEN).filter((d) => existsSync(join(GOLDEN, d, 'expected.json'))) : [];

type Golden = Record<
  'clusters' | 'endpoints' | 'routes' | 'listeners',
  Record<string, Record<string, unknown>> | Record<string, unknown>[]
>;
const values = (x: Golden[keyof Golden] | undefined): Record<string, unknown>[] =>
  x ? (Array.isArray(x) ? x : Object.values(x)) : [];
const wire = (url: string, r: Record<string, unknown>) => decodeAny(encodeAny(url, r));

describe('the data plane accepts what the mesh control plane serves (golden outputs)', () => {
  it('has golden cases to check', () => {
    assert.ok(cases.length > 0, `no golden cases under ${GOLDEN}`);
  });
  for (const name of cases) {
    it(`parses and wires ${name}`, () => {
      const golden = JSON.parse(readFileSync(join(GOLDEN, name, 'expected.json'), 'utf8')) as Golden;
      const state: XdsState = emptyState();
      const put = <T>(parsed: { ok: true; value: T } | { ok: false; errors: string[] }, what: string): T => {
        assert.ok(parsed.ok, `${what}: ${parsed.ok ? '' : parsed.errors.join('; ')}`);
        return (parsed as { value: T }).value;
      };
      for (const c of values(golden.clusters)) {
        const m = put(parseCluster(wire(TYPE_URLS.cluster, c)), `cluster ${String(c.name)}`);
        state.cluster.models.set(m.name, m);
      }
      for (const e of values(golden.endpoints)) {
        const m = put(parseEndpoints(wire(TYPE_URLS.endpoint, e)), `endpoints ${String(e.cluster_name)}`);
        state.endpoint.models.set(m.clusterName, m);
      }
      for (const r of values(golden.routes)) {
        const m = put(parseRouteConfig(wire(TYPE_URLS.route, r)), `route ${String(r.name)}`);
        state.route.models.set(m.name, m);
      }
      for (const l of values(golden.listeners)) {
        const m = put(parseListener(wire(TYPE_URLS.listener, l)), `listener ${String(l.name)}`);
        state.listener.models.set(m.name, m);
      }
      const runtime = new ProxyRuntime();
      runtime.apply(state);
      // Every EDS cluster has its assignment; every route targets a known cluster.
      for (const c of state.cluster.models.values()) {
        if (c.discovery === 'EDS') assert.ok(state.endpoint.models.has(c.name), `EDS for ${c.name}`);
      }
      for (const vh of state.route.models.get('outbound')?.virtualHosts ?? []) {
        assert.ok(state.cluster.models.has(vh.cluster), `route ${vh.name} -> ${vh.cluster}`);
      }
      // Inbound chains resolve to an app address.
      const inbound = state.listener.models.get('virtualInbound');
      for (const chain of inbound?.filterChains ?? []) {
        for (const sni of chain.serverNames) assert.ok(runtime.inbound.get(sni), `inbound target for ${sni}`);
      }
    });
  }
});
