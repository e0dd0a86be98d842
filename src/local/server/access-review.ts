/**
 * `SelfSubjectAccessReview` (`authorization.k8s.io/v1`): a caller asks whether it may do something, and the answer
 * comes from the same RBAC decision that guards every request. This is what `kubectl auth can-i` posts, so least-
 * privilege manifests can be checked verb by verb against an embedded cluster. The review is not stored (as in
 * Kubernetes). SubjectAccessReview about other users, SelfSubjectRulesReview and impersonation are not served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authorizer } from './authorization.js';
import { send } from './reply.js';
import type { RequestAttributes } from './request-attributes.js';
import { readBody } from './request.js';
import { ApiError } from './status.js';
import type { UserInfo } from './user-info.js';

const GROUP_VERSION = 'authorization.k8s.io/v1';

/** The path reviews are posted to. */
export const SELF_REVIEW_PATH = `/apis/${GROUP_VERSION}/selfsubjectaccessreviews`;

/** The `authorization.k8s.io` entry of `/apis` (and the `/apis/authorization.k8s.io` document). */
export const AUTHORIZATION_GROUP = {
  name: 'authorization.k8s.io',
  versions: [{ groupVersion: GROUP_VERSION, version: 'v1' }],
  preferredVersion: { groupVersion: GROUP_VERSION, version: 'v1' },
};

const RESOURCE_LIST = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: GROUP_VERSION,
  resources: [
    {
      name: 'selfsubjectaccessreviews',
      singularName: '',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    },
  ],
};

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The request attributes a review's spec asks about; BadRequest when it names neither kind of attributes. */
export function reviewAttributes(spec: unknown): RequestAttributes {
  const s = rec(spec);
  const resource = rec(s.resourceAttributes);
  const nonResource = rec(s.nonResourceAttributes);
  if (s.resourceAttributes !== undefined) {
    return {
      resourceRequest: true,
      verb: str(resource.verb),
      apiGroup: str(resource.group),
      apiVersion: str(resource.version),
      resource: str(resource.resource),
      subresource: str(resource.subresource),
      namespace: str(resource.namespace),
      name: str(resource.name),
      path: '',
    };
  }
  if (s.nonResourceAttributes !== undefined) {
    return { resourceRequest: false, verb: str(nonResource.verb), path: str(nonResource.path) };
  }
  throw new ApiError(
    'Invalid',
    'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec: exactly one of resourceAttributes or ' +
      'nonResourceAttributes must be set',
  );
}

/**
 * Serves the `authorization.k8s.io` paths for `user` (already allowed to reach them); false when `path` is not one
 * of them.
 */
export async function serveAccessReview(options: {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  readonly user: UserInfo;
  readonly authorizer: Authorizer;
}): Promise<boolean> {
  const { req, res, path } = options;
  if (path === '/apis/authorization.k8s.io' || path === `/apis/${GROUP_VERSION}`) {
    if (req.method !== 'GET') throw new ApiError('MethodNotAllowed', 'method not allowed');
    send(
      res,
      200,
      path === `/apis/${GROUP_VERSION}`
        ? RESOURCE_LIST
        : { kind: 'APIGroup', apiVersion: 'v1', ...AUTHORIZATION_GROUP },
    );
    return true;
  }
  if (path !== SELF_REVIEW_PATH) return false;
  if (req.method !== 'POST') throw new ApiError('MethodNotAllowed', 'method not allowed');
  const body = rec(await readBody(req));
  const attrs = reviewAttributes(body.spec);
  const allowed = options.authorizer.allowed(options.user, attrs);
  send(res, 201, {
    kind: 'SelfSubjectAccessReview',
    apiVersion: GROUP_VERSION,
    metadata: { creationTimestamp: null },
    spec: body.spec,
    status: allowed ? { allowed: true, reason: 'RBAC: allowed' } : { allowed: false },
  });
  return true;
}
