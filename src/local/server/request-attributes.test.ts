import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestAttributes } from './request-attributes.js';

const cases: readonly {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly want: Record<string, unknown>;
}[] = [
  {
    name: 'a GET of a collection is list',
    method: 'GET',
    url: '/api/v1/namespaces/default/secrets',
    want: { verb: 'list', apiGroup: '', resource: 'secrets', namespace: 'default', name: '' },
  },
  {
    name: 'a GET with watch=1 is watch',
    method: 'GET',
    url: '/apis/apps/v1/deployments?watch=1',
    want: { verb: 'watch', apiGroup: 'apps', resource: 'deployments', namespace: '', name: '' },
  },
  {
    name: 'a GET with watch=false is list',
    method: 'GET',
    url: '/api/v1/pods?watch=false',
    want: { verb: 'list', resource: 'pods' },
  },
  {
    name: 'the deprecated /watch/ prefix is watch',
    method: 'GET',
    url: '/api/v1/watch/namespaces/a/pods',
    want: { verb: 'watch', resource: 'pods', namespace: 'a' },
  },
  {
    name: 'a GET of a named object is get',
    method: 'GET',
    url: '/api/v1/namespaces/default/secrets/db',
    want: { verb: 'get', resource: 'secrets', namespace: 'default', name: 'db' },
  },
  {
    name: 'a list with a metadata.name field selector carries the name',
    method: 'GET',
    url: '/api/v1/namespaces/a/configmaps?fieldSelector=metadata.name%3Dcfg',
    want: { verb: 'list', resource: 'configmaps', name: 'cfg' },
  },
  {
    name: 'POST is create, PUT update, PATCH patch',
    method: 'POST',
    url: '/apis/networking.istio.io/v1/namespaces/x/workloadentries',
    want: { verb: 'create', apiGroup: 'networking.istio.io', apiVersion: 'v1', resource: 'workloadentries' },
  },
  { name: 'PUT is update', method: 'PUT', url: '/api/v1/namespaces/x/pods/p', want: { verb: 'update', name: 'p' } },
  {
    name: 'a PATCH of a status subresource',
    method: 'PATCH',
    url: '/apis/install.tetrate.io/v1alpha1/namespaces/x/workspacesettings/w/status',
    want: { verb: 'patch', resource: 'workspacesettings', subresource: 'status', name: 'w' },
  },
  {
    name: 'DELETE of a named object is delete',
    method: 'DELETE',
    url: '/api/v1/namespaces/x/pods/p',
    want: { verb: 'delete', name: 'p' },
  },
  {
    name: 'DELETE of a collection is deletecollection',
    method: 'DELETE',
    url: '/api/v1/namespaces/x/pods',
    want: { verb: 'deletecollection', name: '' },
  },
  {
    name: 'a namespace is its own namespace and name',
    method: 'GET',
    url: '/api/v1/namespaces/meshbridge',
    want: { verb: 'get', resource: 'namespaces', namespace: 'meshbridge', name: 'meshbridge' },
  },
  {
    name: 'a namespace status is the namespaces/status subresource',
    method: 'PUT',
    url: '/api/v1/namespaces/a/status',
    want: { verb: 'update', resource: 'namespaces', subresource: 'status', namespace: 'a', name: 'a' },
  },
  {
    name: 'pods/exec posted',
    method: 'POST',
    url: '/api/v1/namespaces/a/pods/p/exec?command=ls',
    want: { verb: 'create', resource: 'pods', subresource: 'exec', name: 'p' },
  },
  {
    name: 'a cluster-scoped list is at the cluster scope',
    method: 'GET',
    url: '/api/v1/namespaces',
    want: { verb: 'list', resource: 'namespaces', namespace: '' },
  },
];

for (const c of cases) {
  test(`request attributes: ${c.name}`, () => {
    const url = new URL(c.url, 'http://x');
    const got = requestAttributes(c.method, url.pathname, url.searchParams);
    assert.equal(got.resourceRequest, true);
    for (const [k, v] of Object.entries(c.want)) assert.equal((got as unknown as Record<string, unknown>)[k], v, k);
  });
}

const nonResource = ['/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/version', '/openapi/v3/apis/apps/v1'];
for (const path of nonResource) {
  test(`request attributes: ${path} is a non-resource request with the method as verb`, () => {
    assert.deepEqual(requestAttributes('GET', path, new URLSearchParams()), {
      resourceRequest: false,
      verb: 'get',
      path,
    });
  });
}

test('request attributes: a path with a malformed escape is a non-resource request', () => {
  assert.equal(requestAttributes('GET', '/api/v1/namespaces/%zz/pods', new URLSearchParams()).resourceRequest, false);
});
