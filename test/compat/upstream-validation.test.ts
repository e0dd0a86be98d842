/**
 * meshbridge's resource model accepts Istio's bookinfo and sleep samples and the seed's documents exactly as they
 * are published (the seed's `${ORG}`/`${TEN}` filled in as its shell does), one file at a time and as one set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocuments, validateSources } from '../../src/api/index.js';
import { readUpstream, substituteSeed, upstreamPath, UPSTREAM_FILES, type UpstreamRole } from './support.js';

const SEED_VALUES = { org: 'tetrate', tenant: 'demo' };
const roles = Object.keys(UPSTREAM_FILES) as UpstreamRole[];

function source(role: UpstreamRole): { file: string; text: string } {
  return { file: upstreamPath(role), text: substituteSeed(readUpstream(role), SEED_VALUES) };
}

for (const role of roles) {
  test(`every document of ${UPSTREAM_FILES[role]} is accepted as it is`, () => {
    const { file, text } = source(role);
    const parsed = parseDocuments(text, file);
    assert.deepEqual(parsed.issues, []);
    assert.ok(parsed.documents.length > 0);
    const result = validateSources([{ file, text }]);
    assert.deepEqual(result.errors, []);
    assert.equal(result.ok, true);
    for (const { result: r } of result.results) assert.ok(r.value, 'a valid document yields its defaulted value');
  });
}

test('the upstream files validate together as one set, warning only that the gateway is defined twice and exposes everything', () => {
  const result = validateSources(roles.map(source));
  assert.equal(result.ok, true);
  assert.equal(result.results.length, 20);
  assert.deepEqual(result.warnings.map((w) => `${w.code} ${w.kind}/${w.name} ${w.path}`).sort(), [
    'MB0303 WorkspaceSetting/bookinfo-ws-setting spec.defaultEastWestGatewaySettings[0]',
    'MB0305 IngressGateway/eastwest-gateway metadata.name',
  ]);
});

test("the seed's WorkspaceSetting as published, placeholders not filled in, is flagged as such", () => {
  const file = upstreamPath('workspaceSetting');
  const result = validateSources([{ file, text: readUpstream('workspaceSetting') }]);
  const placeholders = result.warnings.filter((w) => w.code === 'MB0205').map((w) => w.path);
  assert.deepEqual(placeholders.sort(), ['metadata.organization', 'metadata.tenant']);
});
