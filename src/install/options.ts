/**
 * What `meshbridge install` may be told, with its defaults and the checks that make a bad flag a located error
 * instead of a manifest the API server refuses later.
 */
import { InstallError } from './errors.js';

/** Where the management plane keeps its objects. */
export type InstallStore = 'postgres' | 'sqlite';

/** Options of the management cluster's manifests. */
export interface InstallOptions {
  /** The image every meshbridge container runs (built from the repository's Containerfile). */
  readonly image: string;
  /** The namespace everything goes into. */
  readonly namespace: string;
  /** PostgreSQL (stateless replicas; the URL comes from a Secret) or SQLite (one replica on a volume). */
  readonly store: InstallStore;
  /** Management plane replicas; at most 1 on SQLite. */
  readonly mgmtReplicas: number;
  /** Controller replicas (one leads, the others stand by). */
  readonly controllerReplicas: number;
  /**
   * Where the management plane writes the custom resources of objects made through its API (GitOps sync, both
   * ways, with CRs in any namespace); undefined: no sync.
   */
  readonly gitopsNamespace?: string;
}

/** Options of a workload cluster's manifests. */
export interface RemoteOptions {
  readonly cluster: string;
  readonly namespace: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A container image reference: [registry[:port]/]path[:tag][@digest], lower-case path. */
const IMAGE =
  /^[a-z0-9][a-z0-9._:-]*(\/[a-z0-9][a-z0-9._-]*)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** Checks and completes the install flags. */
export function installOptions(raw: {
  image: string;
  namespace?: string;
  store?: string;
  mgmtReplicas?: string | number;
  controllerReplicas?: string | number;
  /** `false` (from `--no-gitops`) turns the sync off; a string names the CRs' namespace; default on. */
  gitops?: string | boolean;
}): InstallOptions {
  const namespace = checkNamespace(raw.namespace ?? 'meshbridge');
  if (!IMAGE.test(raw.image)) throw new InstallError('MB1201', `--image ${raw.image} is not an image reference`);
  const store = raw.store ?? 'postgres';
  if (store !== 'postgres' && store !== 'sqlite') {
    throw new InstallError('MB1201', `--store must be postgres or sqlite, got ${store}`);
  }
  const replicas = Number(raw.mgmtReplicas ?? (store === 'postgres' ? 2 : 1));
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 10) {
    throw new InstallError(
      'MB1201',
      `--mgmt-replicas must be an integer from 1 to 10, got ${String(raw.mgmtReplicas)}`,
    );
  }
  if (store === 'sqlite' && replicas > 1) {
    throw new InstallError(
      'MB1201',
      `--store sqlite keeps the store in one pod's volume: --mgmt-replicas must be 1 (use --store postgres for ${replicas})`,
    );
  }
  const controllers = Number(raw.controllerReplicas ?? 2);
  if (!Number.isInteger(controllers) || controllers < 1 || controllers > 5) {
    throw new InstallError(
      'MB1201',
      `--controller-replicas must be an integer from 1 to 5, got ${String(raw.controllerReplicas)}`,
    );
  }
  // Default: on, with the CRs beside everything else.
  const gitops = raw.gitops === false ? undefined : typeof raw.gitops === 'string' ? raw.gitops : namespace;
  if (gitops !== undefined && !DNS_LABEL.test(gitops)) {
    throw new InstallError('MB1201', `--gitops-namespace ${gitops} must be a DNS label`);
  }
  return {
    image: raw.image,
    namespace,
    store,
    mgmtReplicas: replicas,
    controllerReplicas: controllers,
    ...(gitops === undefined ? {} : { gitopsNamespace: gitops }),
  };
}

/** Checks the `install remote` flags. */
export function remoteOptions(raw: { cluster?: string; namespace?: string }): RemoteOptions {
  if (!raw.cluster) throw new InstallError('MB1201', 'install remote needs --cluster NAME (the Cluster object name)');
  if (!DNS_LABEL.test(raw.cluster)) {
    throw new InstallError('MB1201', `--cluster ${raw.cluster} must be a DNS label (lower-case letters, digits, -)`);
  }
  return { cluster: raw.cluster, namespace: checkNamespace(raw.namespace ?? 'meshbridge') };
}

function checkNamespace(ns: string): string {
  if (!DNS_LABEL.test(ns)) throw new InstallError('MB1201', `--namespace ${ns} must be a DNS label`);
  return ns;
}
