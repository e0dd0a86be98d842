// The East-West gateway exposes only what the WorkspaceSetting exposes (SEMANTICS.md section 6): a client holding
// a valid cluster-1 workload certificate gets nothing through :15443 but the exposed service. Each refused case
// asserts the close and that 0 bytes reached any application (the built-in apps count what they receive).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rawProbe, tlsProbe, gatewayConnections, total } from './gateway-probes.js';
import { sni, startGatewayStand, type GatewayStand } from './gateway-stand.js';

let stand: GatewayStand;
before(async () => {
  stand = await startGatewayStand();
});
after(async () => {
  await stand?.close();
});

const attacker = () => stand.pki.issue('cluster-1.local', 'bookinfo', 'sleep');

/** Runs `probe`, then asserts it was closed without a handshake and no app received a byte. */
async function assertRefused(probe: () => Promise<{ secure: boolean; data: string; closedAfterMs: number }>) {
  const before = await stand.appBytes();
  const r = await probe();
  assert.equal(r.secure, false, 'no TLS peer behind the gateway answered');
  assert.equal(r.data, '', 'nothing came back');
  const after = await stand.appBytes();
  assert.deepEqual(after, before, 'no application received a byte');
  return r;
}

describe('the East-West gateway forwards only what the WorkspaceSetting exposes', () => {
  it('the federation wrote a Gateway listing exactly the exposed service', () => {
    const spec = stand.gateway['spec'] as { selector: unknown; servers: { hosts: string[]; tls: unknown }[] };
    assert.deepEqual(spec.selector, { app: 'eastwest-gateway' });
    assert.deepEqual(
      spec.servers.map((s) => [s.hosts, s.tls]),
      [[['details.bookinfo.svc.cluster.local'], { mode: 'AUTO_PASSTHROUGH' }]],
    );
  });

  it('positive control: the exposed service answers through the gateway, and its app counts the bytes', async () => {
    const before = await stand.appBytes();
    const r = await tlsProbe({
      host: stand.lb,
      servername: sni('details.bookinfo.svc.cluster.local'),
      cert: await attacker(),
      ca: stand.pki.root.certPem,
    });
    assert.equal(r.secure, true);
    assert.match(r.data, /^HTTP\/1\.1 200/);
    const after = await stand.appBytes();
    const grew = Object.keys(after).filter((f) => after[f] !== before[f]);
    assert.equal(grew.length, 1, `one app received bytes: ${grew.join(', ')}`);
    assert.match(grew[0] ?? '', /details\.counters\.json$/);
  });

  it('closes plaintext HTTP', async (t) => {
    const r = await assertRefused(() =>
      rawProbe(stand.lb, Buffer.from('GET /details/0 HTTP/1.1\r\nHost: details.bookinfo:9080\r\n\r\n')),
    );
    assert.ok(r.closedAfterMs < 3000, `closed after ${r.closedAfterMs} ms`);
    t.diagnostic(`closed after ${r.closedAfterMs} ms; 0 bytes at every app`);
  });

  const tlsCases: [string, string | undefined][] = [
    ['a ClientHello without SNI', undefined],
    ['an SNI naming no service', sni('nosuch.bookinfo.svc.cluster.local')],
    ["the SNI of the gateway's own service", sni('eastwest-gateway.bookinfo.svc.cluster.local', 15443)],
    [
      'the SNI of a service whose endpoint is the gateway itself',
      sni('gateway-alias.bookinfo.svc.cluster.local', 15443),
    ],
    ['the SNI of a service of the workspace that is not exposed (ratings)', sni('ratings.bookinfo.svc.cluster.local')],
    ['the SNI of a service in a namespace no workspace spans', sni('secret.orphan.svc.cluster.local')],
    ['an SNI that does not parse', 'details.bookinfo.svc.cluster.local'],
  ];
  for (const [name, servername] of tlsCases) {
    it(`closes ${name} after the ClientHello`, async (t) => {
      const r = await assertRefused(async () =>
        tlsProbe({ host: stand.lb, servername, cert: await attacker(), ca: stand.pki.root.certPem }),
      );
      assert.ok(r.closedAfterMs < 3000, `closed after ${r.closedAfterMs} ms`);
      t.diagnostic(`closed after ${r.closedAfterMs} ms; 0 bytes at every app`);
    });
  }

  it('closes a silent connection (no ClientHello) after the handshake timeout (~5 s)', async (t) => {
    const r = await assertRefused(() => rawProbe(stand.lb, undefined, 9000));
    assert.ok(r.closedAfterMs >= 4500 && r.closedAfterMs < 7500, `closed after ${r.closedAfterMs} ms`);
    t.diagnostic(`closed after ${r.closedAfterMs} ms; 0 bytes at every app`);
  });

  it('accounted every probe as one gateway connection: nothing multiplied, nothing looped', async (t) => {
    const byOutcome = await gatewayConnections(stand.gatewayIp);
    // 1 forwarded + 1 plaintext + 7 TLS cases + 1 silent = 10 connections handled in this file.
    assert.equal(total(byOutcome), 10, JSON.stringify(byOutcome));
    assert.equal(byOutcome['forwarded'], 1, JSON.stringify(byOutcome));
    t.diagnostic(`connections by outcome: ${JSON.stringify(byOutcome)}`);
  });
});
