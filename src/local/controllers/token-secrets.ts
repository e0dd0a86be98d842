/**
 * The token controller, as kube-controller-manager's: a Secret of type `kubernetes.io/service-account-token` whose
 * annotation `kubernetes.io/service-account.name` names a ServiceAccount of its namespace gets `data.token` (that
 * ServiceAccount's token, server/service-account-tokens.ts), `data.namespace`, `data["ca.crt"]` (the CA of the API's
 * serving certificate, so an in-cluster client can verify the API) and the annotation
 * `kubernetes.io/service-account.uid`. A Secret whose ServiceAccount does not exist yet waits: the pass after the
 * ServiceAccount appears fills it. A filled Secret whose ServiceAccount was deleted (its uid annotation names a
 * ServiceAccount that is gone or was replaced) is deleted, as Kubernetes does; its token stopped working already.
 * Only what differs is written, so passes converge. `tokenSecretPlan` is pure.
 */
import type { ClusterStore } from '../store/cluster-store.js';
import type { ResourceRef, StoredObject } from '../store/types.js';
import type { ServiceAccountTokens } from '../server/service-account-tokens.js';
import { rec, same, strMap } from './refs.js';

export const SECRETS: ResourceRef = { group: '', plural: 'secrets' };
export const SERVICE_ACCOUNTS: ResourceRef = { group: '', plural: 'serviceaccounts' };

/** The Secret type the controller fills. */
export const TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';
/** Annotation naming the Secret's ServiceAccount (set by the user). */
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
/** Annotation with the ServiceAccount's uid (set by the controller). */
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

/** What to do with one token Secret. */
export type TokenSecretPlan =
  | { readonly action: 'none' }
  | { readonly action: 'delete' }
  | { readonly action: 'update'; readonly secret: StoredObject };

/** Inputs of `tokenSecretPlan`. */
export interface TokenSecretInput {
  readonly secret: StoredObject;
  /** The ServiceAccount the Secret names, if it exists. */
  readonly serviceAccount: StoredObject | undefined;
  /** That ServiceAccount's token (undefined when it does not exist). */
  readonly token: string | undefined;
  /** The API's CA certificate (PEM); without it `ca.crt` is left as it is. */
  readonly caPem: string | undefined;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Decides what one Secret needs (pure). */
export function tokenSecretPlan(input: TokenSecretInput): TokenSecretPlan {
  const { secret, serviceAccount, token, caPem } = input;
  const annotations = secret.metadata.annotations ?? {};
  if (secret.type !== TOKEN_SECRET_TYPE || !annotations[SA_NAME_ANNOTATION]) return { action: 'none' };
  const boundUid = annotations[SA_UID_ANNOTATION];
  const uid = serviceAccount?.metadata.uid;
  if (!serviceAccount || !uid || token === undefined) {
    // Not there yet (wait), or gone after the Secret was filled for it (remove the dead credential).
    return boundUid ? { action: 'delete' } : { action: 'none' };
  }
  if (boundUid && boundUid !== uid) return { action: 'delete' };
  const data = {
    ...strMap(secret.data),
    token: b64(token),
    namespace: b64(secret.metadata.namespace ?? ''),
    ...(caPem ? { 'ca.crt': b64(caPem) } : {}),
  };
  const nextAnnotations = { ...annotations, [SA_UID_ANNOTATION]: uid };
  if (same(data, rec(secret.data)) && same(nextAnnotations, annotations)) return { action: 'none' };
  return {
    action: 'update',
    secret: { ...secret, data, metadata: { ...secret.metadata, annotations: nextAnnotations } },
  };
}

/** Options of the token controller. */
export interface TokenControllerOptions {
  readonly tokens: ServiceAccountTokens;
  /** The API's CA certificate (PEM), written as `ca.crt`. */
  readonly caPem?: string;
}

/** Fills (or removes) every token Secret of the cluster. */
export function reconcileTokenSecrets(store: ClusterStore, options: TokenControllerOptions): void {
  for (const listed of store.list(SECRETS)) {
    if (listed.type !== TOKEN_SECRET_TYPE) continue;
    store.transaction((w) => {
      const secret = w.get(SECRETS, listed.metadata.namespace, listed.metadata.name);
      if (!secret) return;
      const namespace = secret.metadata.namespace ?? '';
      const saName = secret.metadata.annotations?.[SA_NAME_ANNOTATION] ?? '';
      const serviceAccount = saName ? w.get(SERVICE_ACCOUNTS, namespace, saName) : undefined;
      const plan = tokenSecretPlan({
        secret,
        serviceAccount,
        token: serviceAccount ? options.tokens.issue(namespace, saName) : undefined,
        caPem: options.caPem,
      });
      switch (plan.action) {
        case 'none':
          return;
        case 'delete':
          w.delete(SECRETS, namespace, secret.metadata.name);
          return;
        case 'update':
          w.update(SECRETS, plan.secret);
          return;
      }
    });
  }
}
