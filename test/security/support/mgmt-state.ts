/**
 * What a refused request must leave untouched: the management plane's stored state (revision and every object),
 * and the audit log's growth, read straight from the store.
 */
import type { TestMgmt } from '../../mgmt/support/harness.js';
import type { AuditRecord } from '../../../src/mgmt/store/types.js';

/** The store's revision and objects as one comparable text. */
export async function storedState(m: TestMgmt): Promise<string> {
  const snap = await m.running.deps.store.snapshot();
  return JSON.stringify({ revision: snap.revision, objects: snap.objects.map((o) => [o.ref, o.object]) });
}

/** Runs `fn` and returns the audit records it added. */
export async function auditedBy(m: TestMgmt, fn: () => Promise<void>): Promise<AuditRecord[]> {
  const before = (await m.running.deps.store.listAudit()).length;
  await fn();
  return (await m.running.deps.store.listAudit()).slice(before);
}
