/**
 * The mesh control plane's per-object convergence as an extension of the cluster API (api-server.ts `extension`,
 * so behind the same bearer-token guard as every other path): `GET /apis/mesh.meshbridge.io/v1/convergence` lists,
 * per Service and ServiceEntry host, when its configuration last changed, the revision in xDS, how many of the
 * proxies holding it ACKed its current version, and the `Converged` condition (src/mesh/convergence-report.ts).
 * Read-only; it reports no secret (resource names and counts only).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONVERGENCE_PATH, type ConvergenceList, type ObjectConvergence } from '../../api/convergence.js';

export { CONVERGENCE_PATH, type ConvergenceList } from '../../api/convergence.js';

/**
 * Serves the list from `report` (undefined: the cluster runs no mesh, answered 404 with a Status). True when the
 * request was taken.
 */
export function convergenceExtension(
  report: () => readonly ObjectConvergence[] | undefined,
): (req: IncomingMessage, res: ServerResponse, url: URL) => boolean {
  return (req, res, url) => {
    if (url.pathname !== CONVERGENCE_PATH) return false;
    const items = req.method === 'GET' ? report() : undefined;
    const [code, body] =
      req.method !== 'GET'
        ? [405, status(405, 'MethodNotAllowed', 'only GET is served')]
        : items === undefined
          ? [404, status(404, 'NotFound', 'this cluster runs no mesh control plane')]
          : [200, { kind: 'ConvergenceList', apiVersion: 'mesh.meshbridge.io/v1', items } satisfies ConvergenceList];
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return true;
  };
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
