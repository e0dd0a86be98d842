import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CR_ANNOTATIONS,
  contentHash,
  crOf,
  markMirrored,
  objectOf,
  syncedValue,
  type CustomResource,
} from './cr-form.js';
import { planSync } from './sync-plan.js';
import type { MgmtObject } from '../model.js';
import { crStatus } from './conditions.js';
import type { ObjectStatus } from '../service/status-aggregate.js';

const TSB = 'api.tsb.tetrate.io/v2';
const workspace = (names: string[], extra: Record<string, unknown> = {}): MgmtObject => ({
  apiVersion: TSB,
  kind: 'Workspace',
  metadata: { organization: 'o', tenant: 't', name: 'w', ...extra },
  spec: { namespaceSelector: { names } },
});
/** A CR synced with `stored` (both sides as they were at the last sync). */
const synced = (cr: CustomResource, storedAtSync: MgmtObject): CustomResource => ({
  ...cr,
  metadata: {
    ...cr.metadata,
    annotations: {
      ...cr.metadata.annotations,
      [CR_ANNOTATIONS.synced]: syncedValue(contentHash(objectOf(cr)), contentHash(storedAtSync)),
    },
  },
});
const ops = (actions: ReturnType<typeof planSync>) =>
  actions.map((a) => `${a.op} ${a.key ?? ('cr' in a ? a.cr.metadata.name : '')}`);
const KEY = 'Workspace/organizations/o/tenants/t/workspaces/w';

test('a CR and its object round-trip: hierarchy and TSB metadata in annotations, same spec', () => {
  const o = workspace(['*/bookinfo'], { displayName: 'W', description: 'd', labels: { team: 'a' } });
  const cr = crOf(o, 'ns');
  assert.deepEqual(cr.metadata.annotations, {
    'tsb.tetrate.io/organization': 'o',
    'tsb.tetrate.io/tenant': 't',
    'tsb.tetrate.io/display-name': 'W',
    'tsb.tetrate.io/description': 'd',
  });
  assert.deepEqual(objectOf(cr), o);
  assert.equal(contentHash(markMirrored(o)), contentHash(o), 'the marks are not content');
  assert.throws(() => objectOf({ ...cr, metadata: { name: 'w', annotations: {} } }), /tsb\.tetrate\.io\/organization/);
});

test('per object: new, changed and deleted on either side', () => {
  const o = workspace(['*/bookinfo']);
  const cr = crOf(o, 'ns');
  const cases: { name: string; stored: MgmtObject[]; crs: CustomResource[]; want: string[] }[] = [
    { name: 'a new CR is applied', stored: [], crs: [cr], want: [`apply ${KEY}`] },
    { name: 'a new object gets a CR', stored: [o], crs: [], want: [`create-cr ${KEY}`] },
    {
      name: 'a synced CR whose object is gone is deleted',
      stored: [],
      crs: [synced(cr, o)],
      want: [`delete-cr ${KEY}`],
    },
    {
      name: 'a mirrored object whose CR is gone is deleted',
      stored: [markMirrored(o)],
      crs: [],
      want: [`delete-object ${KEY}`],
    },
    { name: 'in sync: nothing', stored: [markMirrored(o)], crs: [synced(cr, o)], want: [] },
    {
      name: 'equal but never synced (both made by hand): only the record',
      stored: [o],
      crs: [cr],
      want: [`record ${KEY}`],
    },
    {
      name: 'the CR changed: applied',
      stored: [markMirrored(o)],
      crs: [{ ...synced(cr, o), spec: { namespaceSelector: { names: ['*/shop'] } } }],
      want: [`apply ${KEY}`],
    },
    {
      name: 'the object changed: the CR is rewritten',
      stored: [markMirrored(workspace(['*/shop']))],
      crs: [synced(cr, o)],
      want: [`update-cr ${KEY}`],
    },
    {
      name: 'both changed: the CR wins',
      stored: [markMirrored(workspace(['*/shop']))],
      crs: [{ ...synced(cr, o), spec: { namespaceSelector: { names: ['*/cart'] } } }],
      want: [`apply ${KEY}`],
    },
    {
      name: 'defaults the store added after the CR was applied do not flow back',
      stored: [markMirrored({ ...o, spec: { ...o.spec, defaulted: true } })],
      crs: [synced(cr, { ...o, spec: { ...o.spec, defaulted: true } })],
      want: [],
    },
    {
      name: 'a second CR for the same object is refused; the first stands',
      stored: [markMirrored(o)],
      crs: [synced(cr, o), { ...crOf(o, 'zz'), metadata: { ...crOf(o, 'zz').metadata, name: 'w' } }],
      want: [`refuse ${KEY}`],
    },
  ];
  for (const c of cases)
    assert.deepEqual(ops(planSync({ stored: c.stored, crs: c.crs, namespace: 'ns' })), c.want, c.name);
});

test('a stored object whose CR name is taken in the namespace by another object gets no CR', () => {
  const mine = workspace(['*/a']);
  const other = { ...workspace(['*/b']), metadata: { organization: 'o2', tenant: 't', name: 'w' } };
  const actions = planSync({
    stored: [markMirrored(other), mine],
    crs: [synced(crOf(other, 'ns'), other)],
    namespace: 'ns',
  });
  assert.deepEqual(ops(actions), []);
});

test('kstatus: configuration kinds are ready once stored; reported kinds follow their state; a refusal stalls', () => {
  const status = (state: ObjectStatus['state']): ObjectStatus => ({
    kind: 'WorkspaceSetting',
    fqn: 'f',
    state,
    message: `m-${state}`,
    clusters: {},
    children: [],
  });
  const conditions = (kind: string, s: ObjectStatus | undefined, refused?: string) =>
    Object.fromEntries(
      crStatus({ kind, generation: 3, status: s, ...(refused ? { refused } : {}), now: 'T' }).conditions.map((c) => [
        c.type,
        `${c.status}/${c.reason}`,
      ]),
    );
  assert.deepEqual(conditions('Tenant', status('ACCEPTED')), {
    Ready: 'True/Stored',
    Reconciling: 'False/Settled',
    Stalled: 'False/Healthy',
  });
  assert.deepEqual(conditions('WorkspaceSetting', status('ACCEPTED')), {
    Ready: 'False/Accepted',
    Reconciling: 'True/Accepted',
    Stalled: 'False/Healthy',
  });
  assert.deepEqual(conditions('WorkspaceSetting', status('READY')).Ready, 'True/Ready');
  assert.deepEqual(conditions('Cluster', status('FAILED')).Stalled, 'True/Failed');
  assert.deepEqual(conditions('Workspace', status('READY'), 'MB9003: bad').Stalled, 'True/Refused');
  const first = crStatus({ kind: 'Tenant', generation: 1, status: status('READY'), now: 'T1' });
  const again = crStatus({ kind: 'Tenant', generation: 1, status: status('READY'), previous: first, now: 'T2' });
  assert.deepEqual(again, first, 'an unchanged status keeps its transition times');
  assert.equal(first.observedGeneration, 1);
});
