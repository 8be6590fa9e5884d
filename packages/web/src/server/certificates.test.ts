import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureCertificates } from './certificates.js';
import { localAddresses } from './addresses.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'parley-certs-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const DAY = 24 * 3600 * 1000;

describe('ensureCertificates', () => {
  it('creates a local CA and a server certificate covering every name and address', async () => {
    const dir = tempDir();
    const c = await ensureCertificates(dir, { hostnames: ['meet.lan', 'parley'], addresses: ['10.1.2.3', 'fd00::5'] });
    assert.equal(c.created, true);
    const ca = new X509Certificate(c.caCertPem);
    const cert = new X509Certificate(c.certPem);
    assert.equal(ca.ca, true);
    assert.match(ca.subject, /^CN=Parley local CA /m);
    assert.ok(new Date(ca.validTo).getTime() - Date.now() > 9.9 * 365 * DAY, 'CA lives 10 years');
    assert.equal(cert.ca, false);
    assert.match(cert.subject, /^CN=meet\.lan$/m);
    assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), 'signed by the CA');
    for (const h of ['meet.lan', 'parley', 'localhost']) assert.equal(cert.checkHost(h), h, h);
    for (const ip of ['10.1.2.3', 'fd00::5', '127.0.0.1', '::1']) assert.ok(cert.checkIP(ip), ip);
    assert.equal(cert.checkHost('other.lan'), undefined);
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'EKU serverAuth');
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const days = (new Date(cert.validTo).getTime() - Date.now()) / DAY;
    assert.ok(days > 823 && days <= 825, `825 days, got ${days}`);
    for (const f of ['key.pem', 'ca-key.pem']) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    assert.equal(readFileSync(c.certPath, 'utf8'), c.certPem);
    assert.equal(readFileSync(c.keyPath, 'utf8'), c.keyPem);
    assert.equal(c.caPath, join(dir, 'ca.pem'));
  });

  it('reuses valid files, and re-issues from the same CA when a new address appears', async () => {
    const dir = tempDir();
    const first = await ensureCertificates(dir, { hostnames: ['meet.lan'], addresses: ['10.1.2.3'] });
    const again = await ensureCertificates(dir, { hostnames: ['meet.lan'], addresses: ['10.1.2.3'] });
    assert.equal(again.created, false);
    assert.equal(again.certPem, first.certPem);
    const subset = await ensureCertificates(dir, { hostnames: [], addresses: [] });
    assert.equal(subset.created, false, 'a subset of the names is covered already');
    const moved = await ensureCertificates(dir, { hostnames: ['meet.lan'], addresses: ['10.1.2.3', '192.168.7.9'] });
    assert.equal(moved.created, true);
    assert.equal(moved.caCertPem, first.caCertPem, 'same CA');
    assert.notEqual(moved.certPem, first.certPem);
    const cert = new X509Certificate(moved.certPem);
    assert.ok(cert.checkIP('192.168.7.9') && cert.checkIP('10.1.2.3'));
    assert.ok(cert.checkIssued(new X509Certificate(first.caCertPem)));
    const renamed = await ensureCertificates(dir, { hostnames: ['new.lan'], addresses: [] });
    assert.equal(renamed.created, true);
    assert.equal(renamed.caCertPem, first.caCertPem);
  });

  it('re-issues a certificate that expires within 30 days, and makes a new CA only without ca.pem', async () => {
    const dir = tempDir();
    const short = await ensureCertificates(dir, { hostnames: ['meet.lan'], addresses: [], validDays: 10 });
    const renewed = await ensureCertificates(dir, { hostnames: ['meet.lan'], addresses: [] });
    assert.equal(renewed.created, true);
    assert.equal(renewed.caCertPem, short.caCertPem);
    assert.ok(new Date(new X509Certificate(renewed.certPem).validTo).getTime() - Date.now() > 800 * DAY);
    unlinkSync(join(dir, 'ca.pem'));
    const fresh = await ensureCertificates(dir, { hostnames: ['meet.lan'], addresses: [] });
    assert.equal(fresh.created, true);
    assert.notEqual(fresh.caCertPem, short.caCertPem);
    assert.ok(
      new X509Certificate(fresh.certPem).checkIssued(new X509Certificate(fresh.caCertPem)),
      'server cert re-issued by the new CA',
    );
  });

  it('rejects an address that is not an IP', async () => {
    await assert.rejects(
      ensureCertificates(tempDir(), { hostnames: [], addresses: ['meet.lan'] }),
      /not an IP address/,
    );
  });

  it("passes Node's TLS verification with the CA, for a DNS name and for an IP", async () => {
    const c = await ensureCertificates(tempDir(), { hostnames: ['meet.lan'], addresses: [] });
    const server = createServer({ cert: c.certPem, key: c.keyPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const call = (servername?: string) =>
      new Promise<string>((resolve, reject) => {
        const req = get(
          { host: '127.0.0.1', port, path: '/', ca: c.caCertPem, servername, agent: false, timeout: 5000 },
          (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve(body));
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
      });
    try {
      assert.equal(await call('meet.lan'), 'ok');
      assert.equal(await call('localhost'), 'ok');
      assert.equal(await call(undefined), 'ok', 'IP 127.0.0.1 is in the SANs');
      await assert.rejects(call('other.lan'), /altnames|ERR_TLS_CERT_ALTNAME_INVALID/i);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('localAddresses', () => {
  it('lists interface addresses without loopback', () => {
    const list = localAddresses();
    assert.ok(Array.isArray(list));
    for (const a of list) assert.ok(!['127.0.0.1', '::1'].includes(a) && !a.startsWith('fe80:'), a);
  });
});
