/**
 * Sidecar process entry (run from dist by the pod runner). Configuration comes from the environment
 * (contract C.env); logs are JSON lines on stdout.
 */
import { readProxyConfig } from './config.js';
import { startSidecar } from './sidecar.js';

const log = (msg: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), component: 'sidecar', msg, ...fields }) + '\n');
};

// A bug must not go unexplained: log it as a JSON line, then exit so the pod runner restarts the proxy.
process.on('uncaughtException', (err) => {
  log('uncaught exception', { error: err.stack ?? String(err) });
  process.exit(70);
});

try {
  const config = readProxyConfig('sidecar');
  const sidecar = await startSidecar(config, { log });
  log('sidecar started', { node: config.nodeId, podIp: config.podIp, xds: config.xdsAddress });
  const shutdown = (signal: string): void => {
    log('stopping', { signal });
    void sidecar.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  log('sidecar failed to start', { error: (err as Error).message });
  process.exit(1);
}
