/**
 * Where the shared commands (`apply`, `get`, `delete`) hand over when `--cluster` is given: cluster kinds go to a
 * cluster's Kubernetes API, which the local/cluster command module implements. These functions are the seam it
 * replaces; until it is wired in, they refuse clearly instead of guessing.
 */

/** Arguments of `meshbridge --cluster C apply -f FILE... [-n NS]`. */
export interface ClusterApplyArgs {
  cluster: string;
  files: string[];
  namespace?: string;
}

/** Arguments of `meshbridge --cluster C get KIND [NAME] [-n NS] [-o FORMAT]`. */
export interface ClusterGetArgs {
  cluster: string;
  kind: string;
  name?: string;
  namespace?: string;
  output?: string;
}

/** Arguments of `meshbridge --cluster C delete -f FILE | delete KIND NAME [-n NS]`. */
export interface ClusterDeleteArgs {
  cluster: string;
  files: string[];
  kind?: string;
  name?: string;
  namespace?: string;
  ignoreNotFound?: boolean;
}

const notHere = (verb: string): Error =>
  new Error(`cluster ${verb} is handled by the local/cluster command module, which is not part of this build`);

/** Applies cluster kinds to one cluster. */
export async function applyToCluster(_args: ClusterApplyArgs): Promise<void> {
  throw notHere('apply');
}

/** Lists or gets cluster objects. */
export async function getFromCluster(_args: ClusterGetArgs): Promise<void> {
  throw notHere('get');
}

/** Deletes cluster objects. */
export async function deleteFromCluster(_args: ClusterDeleteArgs): Promise<void> {
  throw notHere('delete');
}
