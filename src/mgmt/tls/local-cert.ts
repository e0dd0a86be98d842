/**
 * The management plane's certificate for local clusters: issued at every start by the home's root CA
 * (`<home>/ca`, the CA `local up` creates for workloads) for the address it listens on. The key stays in memory;
 * clients trust `<home>/ca/root-cert.pem`, which `mgmt.json` names.
 */
import { join } from 'node:path';
import { CA_FILES, issueServingCert, loadOrCreateRootCA } from '../../identity/index.js';
import type { ServerTls } from './transport.js';

/** A serving certificate for `host` from the CA of `home`, and the CA file clients should trust. */
export async function localServingTls(home: string, host: string): Promise<{ tls: ServerTls; caFile: string }> {
  const dir = join(home, 'ca');
  const ca = await loadOrCreateRootCA(dir);
  const hosts = host === 'localhost' ? ['localhost', '127.0.0.1'] : [host, 'localhost'];
  const issued = await issueServingCert({ ca, hosts });
  return { tls: { certPem: issued.certPem, keyPem: issued.keyPem }, caFile: join(dir, CA_FILES.cert) };
}
