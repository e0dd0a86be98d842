/**
 * The GitOps sync: keeps the management plane's objects and their custom resources in a management cluster equal,
 * both ways (docs/production.md). A pass reads both sides, plans (sync-plan.ts, pure) and carries the plan out
 * through the same service layer as the REST API, so a CR is validated, authorized (as the `gitops` principal, an
 * org-admin), audited and counted against quotas like any apply. Then it writes each CR's status (conditions.ts)
 * from the object's status. Passes run on an interval and at once after any change to the store; they never overlap.
 */
import { KINDS } from '../../api/index.js';
import type { ClusterClient, KObject } from '../../kube/client.js';
import type { Principal } from '../auth/roles.js';
import { MgmtError } from '../errors.js';
import { depthOf, refOf, type MgmtObject } from '../model.js';
import { applyObjects } from '../service/apply.js';
import type { CallContext, MgmtDeps } from '../service/context.js';
import { deleteObjects } from '../service/delete.js';
import { presentObject } from '../service/present.js';
import { statusList } from '../service/status.js';
import type { ObjectStatus } from '../service/status-aggregate.js';
import { crStatus, sameStatus, type CrStatus } from './conditions.js';
import {
  CR_ANNOTATIONS,
  contentHash,
  isMirrored,
  keyOf,
  markMirrored,
  objectOf,
  syncedValue,
  type CustomResource,
} from './cr-form.js';
import { planSync, type SyncAction } from './sync-plan.js';

/** The kinds synced: every management-plane kind. */
export const GITOPS_KINDS = KINDS.filter((k) => k.scope === 'mgmt').map((k) => k.kind);

/** Options of {@link GitOpsSyncer}. */
export interface GitOpsSyncerOptions {
  readonly deps: MgmtDeps;
  /** The management cluster. */
  readonly client: ClusterClient;
  /** Where CRs of objects created through the API are written. */
  readonly namespace: string;
  /** Pass interval, ms (default 5000). */
  readonly intervalMs?: number;
  readonly log?: (line: string) => void;
}

/** How long a refused CR that did not change waits before it is tried again. */
const RETRY_REFUSED_MS = 60_000;

/** The principal CR changes are applied as. */
const GITOPS_PRINCIPAL: Principal = { name: 'gitops', role: 'org-admin', scope: {} };

/** What a pass did, for logs and tests. */
export interface PassResult {
  readonly actions: readonly SyncAction[];
  /** `Kind/fqn` or `Kind ns/name` -> why it failed this pass. */
  readonly failures: ReadonlyMap<string, string>;
}

const crName = (cr: CustomResource) => `${cr.kind} ${cr.metadata.namespace ?? ''}/${cr.metadata.name}`;

/** Keeps the store and the CRs in sync; `pass()` is one round. */
export class GitOpsSyncer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private again = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  /** Why a CR was refused at its last pass (`Kind ns/name` -> message), shown in its status. */
  private readonly refused = new Map<string, string>();
  /**
   * CRs the management plane refused, by the content refused: not applied again until it changes or
   * RETRY_REFUSED_MS pass (a missing parent may appear meanwhile), so a bad CR costs one audit record a minute,
   * not one a pass.
   */
  private readonly refusedVersions = new Map<string, { content: string; at: number; message: string }>();

  constructor(private readonly o: GitOpsSyncerOptions) {}

  private get ctx(): CallContext {
    return { ...this.o.deps, principal: GITOPS_PRINCIPAL };
  }

  start(): void {
    this.unsubscribe = this.o.deps.notifier.subscribe(() => this.kick());
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Runs a pass now (or right after the running one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.pass()
      .catch((err: unknown) => this.o.log?.(`gitops: pass failed: ${(err as Error).message}`))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.timer = setTimeout(() => this.kick(), this.o.intervalMs ?? 5000);
      });
  }

  /** One pass: read both sides, carry out the plan, write statuses. */
  async pass(): Promise<PassResult> {
    const crs = await this.listCrs();
    const stored = (await this.o.deps.store.snapshot()).objects.map(presentObject);
    const actions = planSync({ stored, crs, namespace: this.o.namespace });
    const failures = new Map<string, string>();
    this.refused.clear();
    const fail = (id: string, err: unknown) => {
      const message = err instanceof MgmtError ? describeMgmtError(err) : (err as Error).message;
      failures.set(id, message);
      this.o.log?.(`gitops: ${id}: ${message}`);
    };
    // Parents before children when creating, children before parents when deleting.
    const depth = (o: MgmtObject) => depthOf(o.kind);
    const applies = actions.filter((a) => a.op === 'apply').sort((a, b) => depth(a.object) - depth(b.object));
    const now = Date.now();
    for (const a of applies) {
      const id = crName(a.cr);
      const last = this.refusedVersions.get(id);
      if (last && last.content === contentHash(a.object) && now - last.at < RETRY_REFUSED_MS) {
        this.refused.set(id, last.message);
        failures.set(id, last.message);
        continue;
      }
      try {
        await applyObjects(this.ctx, [markMirrored(a.object)]);
        const stored = (await this.storedObject(a.object)) ?? a.object;
        await this.writeCr({ ...a.cr, metadata: withSynced(a.cr, contentHash(a.object), contentHash(stored)) });
        this.refusedVersions.delete(id);
      } catch (err) {
        fail(id, err);
        const message = failures.get(id) ?? '';
        this.refused.set(id, message);
        this.refusedVersions.set(id, { content: contentHash(a.object), at: now, message });
      }
    }
    for (const a of actions) {
      try {
        switch (a.op) {
          case 'create-cr': {
            await this.o.client.create(
              asK({ ...a.cr, metadata: withSynced(a.cr, contentHash(a.object), contentHash(a.object)) }),
            );
            await applyObjects(this.ctx, [markMirrored(a.object)]);
            break;
          }
          case 'update-cr': {
            const meta = { ...withSynced(a.cr, contentHash(a.object), contentHash(a.object)) };
            meta.resourceVersion = a.from.metadata.resourceVersion;
            await this.writeCr({ ...a.cr, metadata: meta });
            // An apply through the API replaces the whole object, the mark included: put it back.
            if (!isMirrored(a.object)) await applyObjects(this.ctx, [markMirrored(a.object)]);
            break;
          }
          case 'record': {
            if (!isMirrored(a.object)) await applyObjects(this.ctx, [markMirrored(a.object)]);
            const stored = (await this.storedObject(a.object)) ?? a.object;
            await this.writeCr({
              ...a.cr,
              metadata: withSynced(a.cr, contentHash(objectOf(a.cr)), contentHash(stored)),
            });
            break;
          }
          case 'delete-cr':
            await this.o.client.delete({
              apiVersion: a.cr.apiVersion,
              kind: a.cr.kind,
              name: a.cr.metadata.name,
              ...(a.cr.metadata.namespace ? { namespace: a.cr.metadata.namespace } : {}),
            });
            break;
          case 'refuse':
            this.refused.set(crName(a.cr), a.reason);
            failures.set(crName(a.cr), a.reason);
            break;
          default:
            break;
        }
      } catch (err) {
        fail(a.op === 'create-cr' ? a.key : a.op === 'refuse' ? crName(a.cr) : a.key, err);
      }
    }
    const deletions = actions
      .filter((a): a is Extract<SyncAction, { op: 'delete-object' }> => a.op === 'delete-object')
      .sort((a, b) => depth(b.object) - depth(a.object));
    for (const d of deletions) {
      try {
        await deleteObjects(this.ctx, [d.object], { ignoreNotFound: true });
      } catch (err) {
        fail(d.key, err);
      }
    }
    await this.writeStatuses();
    return { actions, failures };
  }

  private async listCrs(): Promise<CustomResource[]> {
    const lists = await Promise.all(
      GITOPS_KINDS.map(async (kind) => {
        try {
          return (await this.o.client.list(kind)) as unknown as CustomResource[];
        } catch (err) {
          // A CRD not installed yet: nothing of that kind to sync (the install applies every CRD).
          this.o.log?.(`gitops: cannot list ${kind}: ${(err as Error).message}`);
          throw err;
        }
      }),
    );
    return lists.flat();
  }

  /** The stored form of an object just applied (one read by its ref, not a snapshot of the store). */
  private async storedObject(object: MgmtObject): Promise<MgmtObject | undefined> {
    const stored = await this.o.deps.store.get(refOf(object));
    return stored === undefined ? undefined : presentObject(stored);
  }

  /** Creates or replaces a CR, keeping its status. */
  private async writeCr(cr: CustomResource): Promise<void> {
    const { status: _status, ...body } = cr;
    await this.o.client.replace(asK(body));
  }

  /** Writes each CR's status from its object's (only when it changed). */
  private async writeStatuses(): Promise<void> {
    const crs = await this.listCrs();
    const statuses = new Map<string, ObjectStatus>(
      (await statusList(this.o.deps.store)).map((s) => [`${s.kind}/${s.fqn}`, s]),
    );
    const now = new Date().toISOString();
    for (const cr of crs) {
      let key: string | undefined;
      try {
        key = keyOf(objectOf(cr));
      } catch {
        key = undefined;
      }
      const refused = this.refused.get(crName(cr));
      const status: CrStatus = crStatus({
        kind: cr.kind,
        generation: cr.metadata.generation ?? 0,
        status: key === undefined ? undefined : statuses.get(key),
        ...(refused === undefined ? {} : { refused }),
        previous: cr.status as Partial<CrStatus> | undefined,
        now,
      });
      if (sameStatus(cr.status, status)) continue;
      try {
        await this.o.client.replaceStatus(asK({ ...cr, status: status as unknown as Record<string, unknown> }));
      } catch (err) {
        // A conflict (the CR changed meanwhile): the next pass writes it.
        this.o.log?.(`gitops: status of ${crName(cr)}: ${(err as Error).message}`);
      }
    }
  }
}

function withSynced(cr: CustomResource, crHash: string, storeHash: string): CustomResource['metadata'] {
  return {
    ...cr.metadata,
    annotations: { ...(cr.metadata.annotations ?? {}), [CR_ANNOTATIONS.synced]: syncedValue(crHash, storeHash) },
  };
}

const asK = (cr: CustomResource | Omit<CustomResource, 'status'>): KObject => cr as unknown as KObject;

/** An apply or delete refusal as one line: the code, the message, and the first located issue. */
function describeMgmtError(err: MgmtError): string {
  const body = err.toBody() as { issues?: { path?: string; message?: string }[] };
  const first = body.issues?.[0];
  return `${err.code}: ${err.message}${first ? ` (${first.path ?? ''}: ${first.message ?? ''})` : ''}`;
}
