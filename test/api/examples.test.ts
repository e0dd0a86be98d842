import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { parseDocuments, validateSources } from '../../src/api/index.js';
import { exampleFiles, readExample } from './support.js';

for (const file of exampleFiles()) {
  test(`every document of examples/bookinfo/${basename(file)} is accepted as it is`, () => {
    const text = readExample(file);
    const parsed = parseDocuments(text, file);
    assert.deepEqual(parsed.issues, []);
    assert.ok(parsed.documents.length > 0);
    const result = validateSources([{ file, text }]);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.warnings.filter((w) => w.code === 'MB0205'),
      [],
      'no ${VAR} placeholder is left to fill in',
    );
    assert.equal(result.ok, true);
    for (const { result: r } of result.results) assert.ok(r.value, 'a valid document yields its defaulted value');
  });
}

test('the examples validate together as one set, warning only that the gateway and the reachability setting are defined twice and that every service is exposed', () => {
  const sources = exampleFiles().map((file) => ({ file, text: readExample(file) }));
  const result = validateSources(sources);
  assert.equal(result.ok, true);
  assert.equal(result.results.length, 26);
  assert.deepEqual(
    result.warnings.map((w) => `${w.code} ${w.kind}/${w.name} ${w.path}`),
    [
      'MB0305 IngressGateway/eastwest-gateway metadata.name',
      'MB0305 OrganizationSetting/default metadata.name',
      'MB0303 WorkspaceSetting/bookinfo-ws-setting spec.defaultEastWestGatewaySettings[0]',
    ],
  );
});
