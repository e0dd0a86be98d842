import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { FIXTURES } from '../../../test/support/paths.js';
import type { StoredObject } from '../store/types.js';
import { gatewayObjects } from './gateways.js';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));

function gateway(file: string): StoredObject {
  const gw = parse(readFileSync(join(FIXTURES, 'seed', file), 'utf8')) as StoredObject;
  return { ...gw, metadata: { ...gw.metadata, uid: 'gw-uid' } };
}

/** Compares with the golden file (`REFRESH_GOLDEN=1` rewrites it). */
function golden(name: string, actual: unknown): void {
  const file = join(GOLDEN, name);
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.REFRESH_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), `${name} differs from its golden file (REFRESH_GOLDEN=1 to accept)`);
}

test('the seed East-West gateway becomes a Deployment and a LoadBalancer Service on 15443 (golden)', () => {
  const out = gatewayObjects(gateway('eastwest-gateway.yaml'));
  assert.ok(!('error' in out));
  golden('eastwest-gateway.json', out);
  assert.equal((out.service.spec as { type: string }).type, 'LoadBalancer');
});

test('the locality overlay puts istio-locality on the gateway pods (golden)', () => {
  const out = gatewayObjects(gateway('eastwest-gateway-locality.yaml'));
  assert.ok(!('error' in out));
  golden('eastwest-gateway-locality.json', out);
  const labels = (out.deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template
    .metadata.labels;
  assert.equal(labels['istio-locality'], 'eu-remote-1');
  assert.equal(labels.istio, 'eastwestgateway');
  assert.equal(labels.app, 'eastwest-gateway');
});

test('an overlay that cannot apply is reported, not half-applied', () => {
  const gw = gateway('eastwest-gateway.yaml');
  const bad = {
    ...gw,
    spec: {
      eastWestOnly: true,
      kubeSpec: {
        overlays: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'eastwest-gateway',
            patches: [{ path: 'spec.template.spec.containers[name:nope].image', value: 'x' }],
          },
        ],
      },
    },
  };
  const out = gatewayObjects(bad);
  assert.ok('error' in out);
  assert.match(out.error, /containers\[name:nope\]|nope/);
});
