/**
 * The tiny HTTP shell every built-in app runs in: listen on POD_IP:PORT, route by a handler, answer JSON or
 * HTML, count what it receives (counters.ts), log one line when ready, and stop promptly on SIGTERM (the pod
 * runner's graceful stop).
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { countTraffic } from './counters.js';
import { PodEnvError, readPodEnv } from './pod-env.js';
import type { PodEnv } from './pod-env.js';

/** A request handler; it receives the pod environment so apps need not read process.env themselves. */
export type AppHandler = (req: IncomingMessage, res: ServerResponse, env: PodEnv) => void | Promise<void>;

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes a text or HTML response. */
export function sendText(res: ServerResponse, status: number, body: string, type = 'text/plain'): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The path of a request without its query string. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Options of `runApp`. */
export interface RunAppOptions {
  /** App name for the log line, e.g. `details`. */
  name: string;
  handler: AppHandler;
}

/**
 * Starts the app and returns its server. Exits the process with status 1 and a clear message when the
 * environment is invalid or the address cannot be bound (the pod runner records it and restarts with backoff).
 */
export function runApp(options: RunAppOptions): http.Server | undefined {
  let env: PodEnv;
  try {
    env = readPodEnv();
  } catch (err) {
    if (!(err instanceof PodEnvError)) throw err;
    process.stderr.write(`${options.name}: ${err.message}\n`);
    process.exit(1);
  }
  const server = http.createServer((req, res) => {
    Promise.resolve(options.handler(req, res, env)).catch((err: unknown) => {
      process.stderr.write(`${options.name}: ${req.method} ${req.url}: ${String(err)}\n`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  const flushCounters = countTraffic(server, { app: options.name, pod: env.podName, namespace: env.namespace });
  server.on('error', (err) => {
    process.stderr.write(`${options.name}: cannot listen on ${env.podIp}:${env.port}: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(env.port, env.podIp, () => {
    process.stdout.write(`${options.name} listening on ${env.podIp}:${env.port}\n`);
  });
  const stop = (): void => {
    flushCounters();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // In-flight requests get a moment to finish; a pod's grace period is the runner's business.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}
