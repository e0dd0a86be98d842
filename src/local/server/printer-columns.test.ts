import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printerCell, printerColumnsOf } from './printer-columns.js';

const age = (ms: number) => `${Math.round(ms / 1000)}s`;
const now = Date.parse('2026-12-06T10:00:00Z');
const cr = {
  metadata: { name: 'bookinfo-ws-setting', creationTimestamp: '2026-12-06T09:59:30Z' },
  spec: { replicas: 3, paused: false, hosts: ['a', 'b'] },
  status: {
    conditions: [
      { type: 'Reconciling', status: 'False', message: '' },
      { type: 'Ready', status: 'True', message: 'cluster-1: READY' },
    ],
  },
};

test('the install CRDs columns: Ready and Message from the kstatus condition, Age from the creation time', () => {
  const columns = printerColumnsOf({
    additionalPrinterColumns: [
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Message', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message', priority: 1 },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      { name: 'Broken' },
      { name: 'Long', jsonPath: `.${'a'.repeat(600)}` },
    ],
  });
  assert.deepEqual(
    columns.map((c) => c.name),
    ['Ready', 'Message', 'Age'],
    'entries without a jsonPath or with an overlong one are left out',
  );
  assert.deepEqual(
    columns.map((c) => printerCell(c, cr, age, now)),
    ['True', 'cluster-1: READY', '30s'],
  );
  assert.deepEqual(
    columns.map((c) => printerCell(c, { metadata: { name: 'new' } }, age, now)),
    ['', '', '<unknown>'],
    'an object without status yet has empty cells',
  );
});

test('numbers and booleans keep their type, several matches are joined, bad paths give an empty cell', () => {
  const cell = (jsonPath: string, type = 'string') => printerCell({ name: 'x', type, jsonPath }, cr, age, now);
  assert.equal(cell('.spec.replicas', 'integer'), 3);
  assert.equal(cell('.spec.paused', 'boolean'), false);
  assert.equal(cell('.spec.hosts[*]'), 'a,b');
  assert.equal(cell('.status.conditions[?(@.type=="Nope")].status'), '');
  assert.equal(cell('.status.conditions[?(@.constructor.constructor("return process")().exit())]'), '');
  assert.equal(cell('.metadata.name', 'date'), '<invalid>');
});
