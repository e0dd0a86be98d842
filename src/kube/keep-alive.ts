/**
 * client-node's API clients with their connections kept alive. client-node builds a new `https.Agent` for every
 * request, so each read and write opened a TCP connection and made a full TLS handshake: with 1,000 services in 10
 * clusters, one gateway change is some 1,800 writes, each paying for it (bench/federation.ts). Here every request
 * is still authenticated by the kubeconfig as client-node does it (its headers, so a rotated token is read again);
 * only the agent is swapped for one shared per client, rebuilt when the TLS material it would use changes (a
 * rotated client certificate or CA).
 *
 * Informers' watches are not affected: client-node opens them through another path, each on its own connection,
 * which suits a long-lived stream.
 */
import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import {
  CustomObjectsApi,
  KubernetesObjectApi,
  ServerConfiguration,
  createConfiguration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';

/**
 * How long an idle connection is kept: under the 5 s after which a Node server (the default `keepAliveTimeout`)
 * closes it, so a request is not sent on a socket the server is closing.
 */
export const IDLE_CONNECTION_MS = 4000;

/** The TLS options of an agent that decide which connections it may share. */
const TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'servername', 'rejectUnauthorized'] as const;

function fingerprint(options: AgentOptions): string {
  const h = createHash('sha256');
  for (const k of TLS_KEYS) {
    const v = options[k];
    h.update(`${k}=`);
    if (v !== undefined) h.update(Buffer.isBuffer(v) ? v : String(v));
    h.update('\0');
  }
  return h.digest('hex');
}

/** The kubeconfig's authentication, with one keep-alive agent in place of a new agent per request. */
export function keepAliveAuth(kubeConfig: KubeConfig): SecurityAuthentication {
  // Idle sockets are unref'd by the agents and closed after IDLE_CONNECTION_MS: nothing to close when done.
  let https: { agent: HttpsAgent; fingerprint: string } | undefined;
  let http: HttpAgent | undefined;
  return {
    getName: () => 'kubeconfig-keep-alive',
    async applySecurityAuthentication(context: RequestContext) {
      await kubeConfig.applySecurityAuthentication(context);
      const made = context.getAgent();
      // Plain HTTP: only a kubeconfig that skips TLS verification reaches it (client-node refuses it otherwise).
      if (made?.constructor === HttpAgent) {
        http ??= new HttpAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
        context.setAgent(http);
        return;
      }
      // A proxy's agent (cluster.proxyUrl) is left as client-node made it.
      if (made?.constructor !== HttpsAgent) return;
      const options = (made as HttpsAgent & { options?: AgentOptions }).options ?? {};
      const print = fingerprint(options);
      if (https?.fingerprint !== print) {
        https?.agent.destroy();
        const tls = Object.fromEntries(TLS_KEYS.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
        https = { agent: new HttpsAgent({ ...tls, keepAlive: true, timeout: IDLE_CONNECTION_MS }), fingerprint: print };
      }
      context.setAgent(https.agent);
    },
  };
}

/** client-node's object API with the kubeconfig's default namespace, as its own `makeApiClient` sets it. */
class ObjectApi extends KubernetesObjectApi {
  constructor(configuration: ConstructorParameters<typeof KubernetesObjectApi>[0], kubeConfig: KubeConfig) {
    super(configuration);
    this.setDefaultNamespace(kubeConfig);
  }
}

/** The object and custom-object APIs of a kubeconfig's current cluster, on kept-alive connections. */
export function keepAliveApis(kubeConfig: KubeConfig): {
  objects: KubernetesObjectApi;
  custom: CustomObjectsApi;
} {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (server === undefined) throw new Error('No active cluster!');
  const auth = keepAliveAuth(kubeConfig);
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: auth },
  });
  return {
    objects: new ObjectApi(configuration, kubeConfig),
    custom: new CustomObjectsApi(configuration),
  };
}
