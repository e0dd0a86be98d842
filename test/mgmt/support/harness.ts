/** Starts a real management plane on 127.0.0.1:0 with a temp home, plus one token per role, for route tests. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/mgmt/logger.js';
import { startMgmt } from '../../../src/mgmt/start.js';
import type { RunningMgmt } from '../../../src/mgmt/start.js';
import { issueToken } from '../../../src/mgmt/auth/tokens.js';
import type { Principal, Role } from '../../../src/mgmt/auth/roles.js';
import type { MgmtLimits } from '../../../src/mgmt/limits/settings.js';
import type { SignInOptions } from '../../../src/mgmt/auth/sign-in.js';

/** A running test server. */
export interface TestMgmt {
  url: string;
  home: string;
  running: RunningMgmt;
  adminToken: string;
  /** Every log line the server wrote. */
  logs: string[];
  /** Stops the server; `keepHome` leaves the state for a restart. */
  close(opts?: { keepHome?: boolean }): Promise<void>;
}

/** Options for `startTestMgmt`. */
export interface TestMgmtOptions {
  store?: string;
  home?: string;
  /** Body and per-organization limits (defaults otherwise). */
  limits?: Partial<MgmtLimits>;
  /** Settings of the sign-in codes and sessions (defaults otherwise). */
  signIn?: SignInOptions;
}

/** Starts a server whose logs are captured in memory. */
export async function startTestMgmt(opts: TestMgmtOptions = {}): Promise<TestMgmt> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'mb-mgmt-'));
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const running = await startMgmt({
    listen: '127.0.0.1:0',
    home,
    plainHttp: true,
    ...(opts.store === undefined ? {} : { store: opts.store }),
    ...(opts.limits === undefined ? {} : { limits: opts.limits }),
    ...(opts.signIn === undefined ? {} : { signIn: opts.signIn }),
    logger: createLogger({ level: 'debug', destination }),
  });
  return {
    url: running.url,
    home,
    running,
    adminToken: readFileSync(join(home, 'admin-token'), 'utf8').trim(),
    logs,
    async close(closeOpts = {}) {
      await running.close();
      if (closeOpts.keepHome !== true) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Issues a token straight into the server's store. */
export function tokenFor(m: TestMgmt, name: string, role: Role, scope: Principal['scope'] = {}): Promise<string> {
  return issueToken({ store: m.running.deps.store, name, role, scope });
}

/** An HTTP reply as the tests see it. */
export interface Reply {
  status: number;
  text: string;
  json: unknown;
}

/** Options of `call`. */
export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Raw body text (sent with content-type application/json). */
  raw?: string;
}

/** Sends one real HTTP request. */
export async function call(url: string, method: string, path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  // Redirects are part of what is tested (e.g. /ui -> /ui/), so they are not followed.
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** TSB objects for tests: an organization, tenant, workspace and the seed's WorkspaceSetting shape. */
export function org(name: string): object {
  return { apiVersion: 'api.tsb.tetrate.io/v2', kind: 'Organization', metadata: { name } };
}
export function tenant(o: string, name: string): object {
  return { apiVersion: 'api.tsb.tetrate.io/v2', kind: 'Tenant', metadata: { organization: o, name } };
}
export function workspace(o: string, t: string, name: string, names: string[] = ['*/bookinfo']): object {
  return {
    apiVersion: 'api.tsb.tetrate.io/v2',
    kind: 'Workspace',
    metadata: { organization: o, tenant: t, name },
    spec: { namespaceSelector: { names } },
  };
}
export function wsSetting(o: string, t: string, w: string, name: string, app = 'eastwest-gateway'): object {
  return {
    apiVersion: 'api.tsb.tetrate.io/v2',
    kind: 'WorkspaceSetting',
    metadata: { organization: o, tenant: t, workspace: w, name },
    spec: { defaultEastWestGatewaySettings: [{ workloadSelector: { namespace: 'bookinfo', labels: { app } } }] },
  };
}
export function cluster(o: string, name: string, network: string): object {
  return {
    apiVersion: 'api.tsb.tetrate.io/v2',
    kind: 'Cluster',
    metadata: { organization: o, name },
    spec: { network, locality: { region: 'eu-west-1' }, trustDomain: `${name}.local` },
  };
}
