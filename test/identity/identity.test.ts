import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { before, describe, it } from 'node:test';
import {
  IdentityError,
  issueWorkloadCert,
  loadOrCreateRootCA,
  loadWorkloadMaterial,
  parseSpiffeId,
  provisionWorkloadCertificate,
  renewalTime,
  startCertRotation,
  uriSans,
  verifyPeer,
  watchWorkloadFiles,
} from '../../src/identity/index.js';
import type { TestPki } from '../support/pki.js';
import { createTestPki } from '../support/pki.js';

let pki: TestPki;
before(async () => {
  pki = await createTestPki();
});

describe('root CA', () => {
  it('is created once per directory, with a 0600 key, and loaded again unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-ca-'));
    const first = await loadOrCreateRootCA(dir);
    const second = await loadOrCreateRootCA(dir);
    assert.equal(second.certPem, first.certPem);
    assert.equal(statSync(join(dir, 'root-key.pem')).mode & 0o777, 0o600);
    const cert = new X509Certificate(first.certPem);
    assert.equal(cert.ca, true);
    assert.equal(cert.checkIssued(cert), true);
  });
});

describe('workload certificates', () => {
  it('carry one SPIFFE URI SAN, are not a CA, live 24 h and chain to the root', async () => {
    const issued = await issueWorkloadCert({
      ca: pki.root,
      identity: { trustDomain: 'cluster-2.local', namespace: 'bookinfo', serviceAccount: 'bookinfo-details' },
    });
    const cert = new X509Certificate(issued.certPem);
    assert.equal(cert.ca, false);
    assert.deepEqual(uriSans(cert.subjectAltName), ['spiffe://cluster-2.local/ns/bookinfo/sa/bookinfo-details']);
    const lifetime = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    assert.ok(Math.abs(lifetime - (24 * 3600_000 + 60_000)) < 2000, `lifetime ${lifetime}`);
    assert.equal(cert.verify(new X509Certificate(pki.root.certPem).publicKey), true);
  });

  it('refuses an identity that is not a valid SPIFFE path with MB0602', async () => {
    await assert.rejects(
      issueWorkloadCert({ ca: pki.root, identity: { trustDomain: 'a/b', namespace: 'x', serviceAccount: 'y' } }),
      (e: unknown) => e instanceof IdentityError && e.code === 'MB0602',
    );
  });

  it('parses only Istio-shaped SPIFFE IDs', () => {
    assert.deepEqual(parseSpiffeId('spiffe://td.local/ns/a/sa/b'), {
      trustDomain: 'td.local',
      namespace: 'a',
      serviceAccount: 'b',
    });
    for (const bad of ['spiffe://td/ns/a', 'http://td/ns/a/sa/b', 'spiffe://td/ns/a/sa/b/c', 'spiffe://TD/ns/a/sa/b']) {
      assert.equal(parseSpiffeId(bad), undefined, bad);
    }
  });
});

describe('verifyPeer', () => {
  const pem = (c: { certPem: string }): X509Certificate => new X509Certificate(c.certPem);
  it('accepts a workload of any trust domain under the root, and returns its identity', async () => {
    const good = await pki.issue('cluster-2.local', 'bookinfo', 'sleep');
    const r = verifyPeer([pem(good)], [pem(pki.root)]);
    assert.deepEqual(r, {
      ok: true,
      uri: 'spiffe://cluster-2.local/ns/bookinfo/sa/sleep',
      identity: { trustDomain: 'cluster-2.local', namespace: 'bookinfo', serviceAccount: 'sleep' },
    });
  });

  const cases: Array<[string, () => X509Certificate[], string]> = [
    ['no certificate', () => [], 'no_certificate'],
    ['a certificate from another root', () => [pem(pki.bad.otherRoot)], 'untrusted_chain'],
    ['an expired certificate', () => [pem(pki.bad.expired)], 'expired'],
    ['a leaf marked CA', () => [pem(pki.bad.caLeaf)], 'ca_leaf'],
    ['two URI SANs', () => [pem(pki.bad.twoUris)], 'bad_san'],
    ['the root itself', () => [pem(pki.root)], 'untrusted_chain'],
  ];
  for (const [name, chain, reason] of cases) {
    it(`refuses ${name} (${reason})`, () => {
      const r = verifyPeer(chain(), [pem(pki.root)]);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.reason, reason);
    });
  }

  it('refuses a trust domain outside the accepted list', async () => {
    const good = await pki.issue('cluster-9.local', 'bookinfo', 'sleep');
    const r = verifyPeer([pem(good)], [pem(pki.root)], { trustDomains: ['cluster-1.local'] });
    assert.equal(!r.ok && r.reason, 'trust_domain');
  });
});

describe('rotation', () => {
  it('renews at two thirds of the lifetime', () => {
    assert.equal(renewalTime(new Date(0), new Date(3000)).getTime(), 2000);
  });

  it('re-issues before expiry and a TLS server swaps its context without restarting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-rot-'));
    let serial = 0;
    const rotation = startCertRotation({
      dir,
      rootPem: pki.root.certPem,
      // Certificates valid from 1 min ago for 3 s: renewal is due at once, so every ~1 s (the floor).
      issue: async () => {
        serial++;
        return issueWorkloadCert({
          ca: pki.root,
          identity: { trustDomain: 'cluster-1.local', namespace: 'ns', serviceAccount: `sa${serial}` },
          lifetimeMs: 3000,
        });
      },
    });
    let server: tls.Server | undefined;
    try {
      while (serial < 1 || !safeLoad(dir)) await new Promise((r) => setTimeout(r, 50));
      const first = loadWorkloadMaterial(dir);
      server = tls.createServer({ cert: first.certPem, key: first.keyPem }, (s) => s.end('ok'));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const port = (server.address() as { port: number }).port;
      const seen: string[] = [];
      const watcher = watchWorkloadFiles({
        dir,
        intervalMs: 100,
        onChange: (m) => {
          server?.setSecureContext({ cert: m.certPem, key: m.keyPem });
          seen.push(m.certPem);
        },
      });
      const deadline = Date.now() + 8000;
      while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      watcher.stop();
      assert.ok(seen.length >= 1, 'the watcher saw a rotated certificate');
      const served = await new Promise<string>((resolve, reject) => {
        const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
          resolve(s.getPeerX509Certificate()?.subjectAltName ?? '');
          s.destroy();
        });
        s.on('error', reject);
      });
      assert.notEqual(served, 'URI:spiffe://cluster-1.local/ns/ns/sa/sa1', 'the server presents the new certificate');
      assert.equal(readFileSync(join(dir, 'root.pem'), 'utf8'), pki.root.certPem);
    } finally {
      rotation.stop();
      server?.close();
    }
  });
});

function safeLoad(dir: string): boolean {
  try {
    loadWorkloadMaterial(dir);
    return true;
  } catch {
    return false;
  }
}

describe('workload provisioning', () => {
  it('creates the root once, writes a loadable SPIFFE certificate for the pod, and stops cleanly', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mb-home-'));
    const dir = join(home, 'pods', 'details-v1-abc');
    const handle = await provisionWorkloadCertificate({
      caDir: join(home, 'ca'),
      trustDomain: 'cluster-1.local',
      namespace: 'bookinfo',
      serviceAccount: 'bookinfo-details',
      dir,
    });
    handle.stop();
    const m = loadWorkloadMaterial(dir);
    assert.deepEqual(uriSans(new X509Certificate(m.certPem).subjectAltName), [
      'spiffe://cluster-1.local/ns/bookinfo/sa/bookinfo-details',
    ]);
    assert.equal(m.rootPem, readFileSync(join(home, 'ca', 'root-cert.pem'), 'utf8'));
    await assert.rejects(
      provisionWorkloadCertificate({
        caDir: join(home, 'ca'),
        trustDomain: 'c.local',
        namespace: 'a/b',
        serviceAccount: 's',
        dir,
      }),
      (e: unknown) => e instanceof IdentityError && e.code === 'MB0602',
    );
  });
});
