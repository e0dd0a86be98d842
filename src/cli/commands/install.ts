/**
 * `meshbridge install [--image I] [--namespace N] [--store postgres|sqlite] [--mgmt-replicas R]` prints the
 * management cluster's manifests; `meshbridge install remote --cluster NAME [--namespace N]` prints a workload
 * cluster's. Both go to stdout for `| kubectl apply -f -`; nothing is sent anywhere.
 */
import type { Command } from 'commander';
import { createRequire } from 'node:module';
import {
  installOptions,
  managementManifests,
  remoteManifests,
  remoteOptions,
  renderManifests,
  SECRETS,
} from '../../install/index.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };
/** The image the repository's Containerfile builds, tagged with this release. */
const DEFAULT_IMAGE = `meshbridge/meshbridge:${version}`;

export function registerInstall(program: Command): void {
  const install = program
    .command('install')
    .description('print the manifests that install meshbridge into a management cluster (pipe to kubectl apply)')
    .option('--image <ref>', 'image of the management plane and controller', DEFAULT_IMAGE)
    .option('--namespace <ns>', 'namespace to install into', 'meshbridge')
    .option('--store <kind>', 'postgres (URL from a Secret, 2 replicas) or sqlite (1 replica on a volume)', 'postgres')
    .option('--mgmt-replicas <n>', 'management plane replicas (default 2 on postgres, 1 on sqlite)')
    .option('--controller-replicas <n>', 'controller replicas: one leads (Lease), the others stand by', '2')
    .option('--gitops-namespace <ns>', 'where CRs of objects made through the API are written (default: --namespace)')
    .option('--no-gitops', 'no CRDs for the management-plane kinds and no sync with them')
    .action(
      (opts: {
        image: string;
        namespace: string;
        store: string;
        mgmtReplicas?: string;
        controllerReplicas: string;
        gitops: boolean;
        gitopsNamespace?: string;
      }) => {
        const o = installOptions({
          ...opts,
          gitops: opts.gitops === false ? false : (opts.gitopsNamespace ?? true),
        });
        const secrets = [
          `${SECRETS.tls} (tls.crt, tls.key, ca.crt)`,
          ...(o.store === 'postgres' ? [`${SECRETS.store} (url)`] : []),
          `${SECRETS.kubeconfigs} (kubeconfig)`,
          `${SECRETS.controllerToken} (token)`,
        ];
        const header = [
          `meshbridge management plane and federation controller, namespace ${o.namespace}, store ${o.store}.`,
          `Pods wait for these Secrets in ${o.namespace} (docs/production.md, "Install"): ${secrets.join(', ')}.`,
        ].join('\n');
        process.stdout.write(renderManifests(header, managementManifests(o)));
      },
    );
  install
    .command('remote')
    .description("print what workload cluster --cluster NAME needs: the IngressGateway CRD and the controller's access")
    .option('--namespace <ns>', 'namespace of the service account', 'meshbridge')
    // `--cluster NAME` (the workload cluster's Cluster object name) is the program's global option.
    .action((_opts: unknown, cmd: Command) => {
      const o = remoteOptions(cmd.optsWithGlobals<{ cluster?: string; namespace: string }>());
      const header = [
        `meshbridge access for workload cluster ${o.cluster}: the IngressGateway CRD and the controller's account.`,
        `Then build its kubeconfig entry from Secret ${o.namespace}/meshbridge-federation-token (docs/production.md).`,
      ].join('\n');
      process.stdout.write(renderManifests(header, remoteManifests(o)));
    });
}
