/**
 * Production install: the manifests `meshbridge install` prints for a management cluster and `install remote` for
 * each workload cluster. Pure: options in, Kubernetes objects out (validated against Kubernetes' schemas in the
 * tests); the CLI only parses flags and prints.
 */
export { installOptions, remoteOptions, type InstallOptions, type RemoteOptions } from './options.js';
export { managementManifests, SECRETS, MGMT_PORT } from './management.js';
export { remoteManifests, REMOTE_ACCOUNT } from './remote.js';
export { controllerRules, type PolicyRule } from './rbac.js';
export { crdFor, gitOpsCrdFor, gitOpsCrds } from './crds.js';
export { renderManifests, type Manifest } from './manifest.js';
export { InstallError } from './errors.js';
