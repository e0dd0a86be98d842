/**
 * The project's examples and the upstream files they stand for are interchangeable: each example declares the
 * same objects as its upstream counterpart (Istio's sample or the seed's document, placeholders filled in with
 * the examples' organization and tenant), field for field. Only layout and comments differ.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_FILES, type ExampleRole } from '../../src/demo/examples.js';
import { EXAMPLES } from '../support/paths.js';
import { documentsOf, readUpstream, substituteSeed, UPSTREAM_FILES, type UpstreamRole } from './support.js';

/** The values the examples use where the seed has `${ORG}` and `${TEN}`. */
const EXAMPLE_VALUES = { org: 'tetrate', tenant: 'demo' };

/** Which example stands for which upstream file. The other examples (workspace, reachability) have none. */
const PAIRS: ReadonlyArray<[ExampleRole, UpstreamRole]> = [
  ['bookinfo', 'bookinfo'],
  ['sleep', 'sleep'],
  ['eastWestGateway', 'eastWestGateway'],
  ['eastWestGatewayLocality', 'eastWestGatewayLocality'],
  ['workspaceSetting', 'workspaceSetting'],
];

type Doc = Record<string, unknown> & { kind?: string; metadata?: { name?: string } };

const idOf = (d: Doc) => `${d.kind ?? '?'}/${d.metadata?.name ?? '?'}`;

function byId(docs: Doc[]): Map<string, Doc> {
  return new Map(docs.map((d) => [idOf(d), d]));
}

function exampleDocs(role: ExampleRole): Doc[] {
  return documentsOf(readFileSync(join(EXAMPLES, EXAMPLE_FILES[role]), 'utf8'));
}

function upstreamDocs(role: UpstreamRole): Doc[] {
  return documentsOf(substituteSeed(readUpstream(role), EXAMPLE_VALUES));
}

for (const [example, upstream] of PAIRS) {
  test(`examples/bookinfo/${EXAMPLE_FILES[example]} declares the same objects as upstream ${UPSTREAM_FILES[upstream]}`, () => {
    const ours = byId(exampleDocs(example));
    const theirs = byId(upstreamDocs(upstream));
    assert.ok(theirs.size > 0, 'the upstream file declares objects');
    assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort(), 'same kinds and names');
    for (const [id, doc] of theirs) assert.deepEqual(ours.get(id), doc, `${id} differs`);
  });
}

/** Services with their ports and selectors, service accounts, and per Deployment its labels, account and images. */
function surface(docs: Doc[]): string[] {
  const out: string[] = [];
  for (const d of docs) {
    const spec = (d.spec ?? {}) as Record<string, unknown>;
    const labels = JSON.stringify((d.metadata as { labels?: unknown } | undefined)?.labels ?? {});
    if (d.kind === 'Service') {
      const ports = ((spec.ports ?? []) as { name?: string; port?: number }[]).map((p) => `${p.name}:${p.port}`);
      out.push(
        `Service ${d.metadata?.name} ${labels} ports=${ports.join(',')} selector=${JSON.stringify(spec.selector)}`,
      );
    } else if (d.kind === 'ServiceAccount') {
      out.push(`ServiceAccount ${d.metadata?.name} ${labels}`);
    } else if (d.kind === 'Deployment') {
      const pod = (spec.template ?? {}) as { metadata?: { labels?: unknown }; spec?: Record<string, unknown> };
      const containers = (pod.spec?.containers ?? []) as { image?: string; ports?: { containerPort?: number }[] }[];
      const images = containers.map((c) => `${c.image}@${(c.ports ?? []).map((p) => p.containerPort).join(',')}`);
      out.push(
        `Deployment ${d.metadata?.name} pod=${JSON.stringify(pod.metadata?.labels)} ` +
          `sa=${String(pod.spec?.serviceAccountName)} images=${images.join(',')}`,
      );
    }
  }
  return out.sort();
}

test('bookinfo and sleep: the examples expose the same services, ports, labels, service accounts and images as the Istio samples', () => {
  const ours = surface([...exampleDocs('bookinfo'), ...exampleDocs('sleep')]);
  const theirs = surface([...upstreamDocs('bookinfo'), ...upstreamDocs('sleep')]);
  assert.equal(theirs.filter((l) => l.startsWith('Service ')).length, 5, 'five services upstream');
  assert.equal(theirs.filter((l) => l.startsWith('Deployment ')).length, 7, 'seven deployments upstream');
  assert.deepEqual(ours, theirs);
});
