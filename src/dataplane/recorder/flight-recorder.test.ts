import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlightRecorder } from './flight-recorder.js';
import { parseEventsQuery } from './serve.js';

const UP = 'outbound|9080||details.bookinfo.svc.cluster.local';
const clock = () => {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('FlightRecorder', () => {
  it('numbers events from 1 within a boot and stamps the upstream counters', () => {
    const c = clock();
    const r = new FlightRecorder({ cluster: 'cluster-1', now: c.now, boot: 'b1' });
    r.answered(UP, 200, 'cluster-1');
    r.answered(UP, 503, undefined);
    c.advance(5);
    const e = r.emit({ kind: 'ejection', upstream: UP, priority: 0, locality: 'r/z/' });
    assert.deepEqual(
      { seq: e.seq, atMs: e.atMs, failed: e.failed, answered: e.answered },
      { seq: 1, atMs: 1005, failed: 1, answered: 2 },
    );
    assert.equal(r.since(0).boot, 'b1');
  });

  it('records the first answer from another cluster, and the failback once home answers last settleMs', () => {
    const c = clock();
    const r = new FlightRecorder({ cluster: 'cluster-1', now: c.now, settleMs: 1000 });
    r.answered(UP, 200, 'cluster-1'); // baseline
    r.answered(UP, 200, 'cluster-1');
    r.answered(UP, 503, 'cluster-2'); // a failed answer serves nothing
    c.advance(10);
    r.answered(UP, 200, 'cluster-2'); // 1010: served-remote
    c.advance(10);
    r.answered(UP, 200, 'cluster-2');
    c.advance(10);
    r.answered(UP, 200, 'cluster-1'); // 1030: home again...
    c.advance(500);
    r.answered(UP, 200, 'cluster-1');
    assert.deepEqual(
      r.since(0).events.map((e) => e.kind),
      ['served-remote'],
      'not settled yet',
    );
    c.advance(600); // 2130: home for 1100 ms, noticed by the timer with no request
    r.tick();
    const events = r.since(0).events.map((e) => [e.kind, e.from, e.to, e.atMs, e.failed]);
    assert.deepEqual(events, [
      ['served-remote', 'cluster-1', 'cluster-2', 1010, 1],
      ['failback', 'cluster-2', 'cluster-1', 1030, 1],
    ]);
  });

  it('a split between clusters is one failover, not one per alternation', () => {
    const c = clock();
    const r = new FlightRecorder({ cluster: 'cluster-1', now: c.now, settleMs: 1000 });
    r.answered(UP, 200, 'cluster-1');
    for (let i = 0; i < 40; i++) {
      c.advance(100);
      r.answered(UP, 200, i % 2 === 0 ? 'cluster-2' : 'cluster-1');
    }
    r.tick();
    assert.deepEqual(
      r.since(0).events.map((e) => e.kind),
      ['served-remote'],
    );
  });

  it('a service first served remotely is a baseline, and a local copy arriving later no failback', () => {
    const c = clock();
    const r = new FlightRecorder({ cluster: 'cluster-1', now: c.now });
    r.answered(UP, 200, 'cluster-2');
    r.answered(UP, 200, 'cluster-2');
    r.answered(UP, 200, 'cluster-1');
    c.advance(2000);
    r.tick();
    assert.deepEqual(r.since(0).events, []);
    r.answered(UP, 200, 'cluster-2');
    assert.deepEqual(
      r.since(0).events.map((e) => e.kind),
      ['served-remote'],
      'once at home, leaving home is a failover',
    );
  });

  it('keeps at most its capacity, oldest dropped, and says how many a reader lost', () => {
    const r = new FlightRecorder({ cluster: 'cluster-1', capacity: 16 });
    for (let i = 0; i < 20; i++) r.emit({ kind: 'priority-shift', upstream: UP });
    const page = r.since(0);
    assert.equal(page.events.length, 16);
    assert.equal(page.events[0]?.seq, 5);
    assert.equal(page.lost, 4);
    assert.equal(page.last, 20);
    assert.equal(r.since(10).lost, 0);
    assert.deepEqual(
      r.since(18).events.map((e) => e.seq),
      [19, 20],
    );
    assert.deepEqual(
      r.since(10, 3).events.map((e) => e.seq),
      [11, 12, 13],
    );
  });

  it('refuses a capacity below 16', () => {
    assert.throws(() => new FlightRecorder({ cluster: 'c', capacity: 3 }), RangeError);
  });
});

describe('parseEventsQuery', () => {
  const cases: Array<[string, unknown]> = [
    ['', { after: 0, limit: 1000 }],
    ['after=12&limit=5', { after: 12, limit: 5 }],
    ['after=-1', 'after must be a non-negative integer'],
    ['after=1e3', 'after must be a non-negative integer'],
    ['after=1234567890123456', 'after must be a non-negative integer'],
    ['limit=0', 'limit must be an integer from 1 to 1000'],
    ['limit=1001', 'limit must be an integer from 1 to 1000'],
    ['after=' + '1'.repeat(300), 'query too long'],
  ];
  for (const [query, expected] of cases) {
    it(`"${query.slice(0, 30)}" -> ${JSON.stringify(expected)}`, () =>
      assert.deepEqual(parseEventsQuery(query), expected));
  }
});
