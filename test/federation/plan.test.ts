// Golden tests of the pure plan: each `plan-cases/<case>.yaml` input has `golden/<case>.golden.yaml`, the expected
// desired objects per cluster, decisions and warnings. `REFRESH_GOLDEN=1` rewrites the goldens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadCase } from './support/cases.js';
import { plan, type PlanOutput } from '../../src/federation/plan.js';

const DIR = new URL('./plan-cases/', import.meta.url).pathname;
const GOLDEN = new URL('./golden/', import.meta.url).pathname;
const REFRESH = process.env.REFRESH_GOLDEN === '1';

/** The golden form: objects per cluster, one line per decision, warnings. */
export function goldenOf(out: PlanOutput): string {
  return stringify(
    {
      clusters: out.clusters,
      decisions: out.decisions.map(
        (d) =>
          `${d.namespace}/${d.service} ${d.client} <- ${d.remote}: ${d.target ? 'target' : d.reason}: ${d.message}`,
      ),
      warnings: out.warnings.map((w) => `${w.code} ${w.cluster ?? '-'} ${w.subject}: ${w.message}`),
    },
    { lineWidth: 0, aliasDuplicateObjects: false },
  );
}

const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.golden.yaml'))
  .sort();

test('there are plan cases to check', () => assert.ok(cases.length >= 9, `only ${cases.length} cases`));

for (const file of cases) {
  const name = file.replace(/\.yaml$/, '');
  const { case: c, expanded } = loadCase(join(DIR, file));
  test(`plan ${name}: ${c.description}`, () => {
    const out = plan({ config: expanded.config, inventories: expanded.inventories, resolved: expanded.resolved });
    const golden = join(GOLDEN, `${name}.golden.yaml`);
    const text = goldenOf(out);
    if (REFRESH || !existsSync(golden)) {
      writeFileSync(golden, text);
      if (!REFRESH) assert.fail(`wrote missing golden ${golden}; review it and re-run`);
      return;
    }
    assert.equal(text, readFileSync(golden, 'utf8'), `plan output differs from ${golden} (REFRESH_GOLDEN=1 to update)`);
  });
}
