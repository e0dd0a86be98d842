/**
 * East-West gateway process entry (run from dist by the pod runner). Configuration from the environment
 * (contract C.env, `MB_GATEWAY_ADDRESSES` required); JSON log lines on stdout.
 */
import { readProxyConfig } from './config.js';
import { startGateway } from './gateway.js';

const log = (msg: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), component: 'gateway', msg, ...fields }) + '\n');
};

// A bug must not go unexplained: log it as a JSON line, then exit so the pod runner restarts the proxy.
process.on('uncaughtException', (err) => {
  log('uncaught exception', { error: err.stack ?? String(err) });
  process.exit(70);
});

try {
  const config = readProxyConfig('router');
  const gateway = await startGateway(config, { log });
  log('gateway started', { node: config.nodeId, addresses: config.gatewayAddresses, xds: config.xdsAddress });
  // Drained, not cut: connections piped through this pod (a rollout replacing it, a scale-down) finish their
  // request in flight; the load balancer already sends new connections to the remaining ready pods.
  const shutdown = (signal: string): void => {
    log('stopping', { signal });
    void gateway.drain().finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  log('gateway failed to start', { error: (err as Error).message });
  process.exit(1);
}
