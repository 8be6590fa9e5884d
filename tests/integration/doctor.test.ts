// `parley doctor` against a stack `parley start` runs with the same flags: a healthy stack passes,
// then each classic intranet fault is injected and doctor names it by id with its fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';
import { freePorts } from '@parley/xmpp-config';
import { withTimeout } from './harness.js';

type CryptoKey = webcrypto.CryptoKey;

const cli = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));

interface Check {
  id: string;
  status: 'ok' | 'warn' | 'fail';
  summary: string;
  fix?: string;
}
interface Report {
  ok: boolean;
  checks: Check[];
}

function flags(dataDir: string, ports: number[], over: Record<string, string> = {}): string[] {
  const [xmpp, http, component, focusHttp, media, tcp, bridgeHttp, httpsPort, redirectPort] = ports;
  const f: Record<string, string> = {
    'data-dir': dataDir,
    domain: 'doctor.parley.test',
    'xmpp-port': String(xmpp),
    'xmpp-http-port': String(http),
    'component-port': String(component),
    'focus-http-port': String(focusHttp),
    'media-port': String(media),
    'tcp-port': String(tcp),
    'bridge-http-port': String(bridgeHttp),
    advertise: '127.0.0.1',
    'https-port': String(httpsPort),
    'http-port': String(redirectPort),
    'web-bind': '127.0.0.1',
    ...over,
  };
  return Object.entries(f).flatMap(([k, v]) => [`--${k}`, v]);
}

async function start(args: string[]): Promise<{ child: ChildProcess; stderr: string[] }> {
  const child = spawn(process.execPath, [cli, 'start', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`parley start exited with ${code}:\n${stderr.join('\n')}`)));
  });
  // Generous but bounded (a loaded 2-core machine took over 20 s); on failure start goes, and its children with it.
  const line = await withTimeout(firstLine, 90_000, 'parley start ready line').catch((err) => {
    child.kill('SIGKILL');
    throw err;
  });
  assert.equal(JSON.parse(line).ready, true);
  return { child, stderr };
}

async function doctor(args: string[]): Promise<{ code: number | null; report: Report; text: string }> {
  const child = spawn(process.execPath, [cli, 'doctor', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  try {
    const code = await withTimeout(new Promise<number | null>((r) => child.once('exit', r)), 30_000, 'parley doctor');
    assert.equal(err, '', 'doctor writes nothing to stderr');
    return { code, report: JSON.parse(out) as Report, text: out };
  } finally {
    child.kill('SIGKILL');
  }
}

const byId = (r: Report, id: string) => {
  const c = r.checks.find((x) => x.id === id);
  assert.ok(c, `doctor has a "${id}" check`);
  return c;
};

/** A server certificate signed by the data dir's CA whose notAfter is in the past. */
async function expiredCert(certsDir: string): Promise<string> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const ca = new x509.X509Certificate(readFileSync(join(certsDir, 'ca.pem'), 'utf8'));
  const der = createPrivateKey(readFileSync(join(certsDir, 'ca-key.pem'), 'utf8')).export({
    type: 'pkcs8',
    format: 'der',
  });
  const caKey = await webcrypto.subtle.importKey('pkcs8', der, alg, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const day = 24 * 3600 * 1000;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '01a2b3c4',
    subject: 'CN=expired',
    issuer: ca.subject,
    notBefore: new Date(Date.now() - 400 * day),
    notAfter: new Date(Date.now() - 2 * day),
    signingAlgorithm: alg,
    publicKey: keys.publicKey as unknown as CryptoKey,
    signingKey: caKey as unknown as CryptoKey,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
    ],
  });
  return cert.toString('pem') + '\n';
}

test('doctor passes a healthy stack, then reports each injected fault by id with its fix', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-doctor-'));
  const copies: string[] = [];
  const ports = await freePorts(12);
  const [, , , , media, tcp, , _httpsPort] = ports;
  const [unusedUdp, fakeHttps] = ports.slice(9);
  let stack: Awaited<ReturnType<typeof start>> | undefined;
  try {
    stack = await start(flags(dataDir, ports));

    await t.test('healthy: every check passes; the loopback-only advertise is a warning', async () => {
      const { code, report } = await doctor(flags(dataDir, ports));
      const failed = report.checks.filter((c) => c.status === 'fail');
      assert.deepEqual(failed, [], 'no FAIL on a healthy stack');
      assert.equal(report.ok, true);
      assert.equal(code, 0);
      assert.deepEqual(
        report.checks.map((c) => c.id),
        [
          'prosody',
          'components',
          'stack',
          'websocket',
          'bosh',
          'certificate',
          'advertise',
          'media',
          'ice-tcp',
          'clock',
          'ports',
          'external',
        ],
      );
      for (const id of [
        'prosody',
        'components',
        'stack',
        'websocket',
        'bosh',
        'certificate',
        'media',
        'ice-tcp',
        'external',
      ])
        assert.equal(byId(report, id).status, 'ok', `${id}: ${byId(report, id).summary}`);
      assert.equal(byId(report, 'advertise').status, 'warn');
      assert.match(byId(report, 'websocket').summary, /ANONYMOUS/);
    });

    await t.test('the text output has one line per check and exits 0', async () => {
      const child = spawn(process.execPath, [cli, 'doctor', ...flags(dataDir, ports)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      const code = await withTimeout(
        new Promise<number | null>((r) => child.once('exit', r)),
        30_000,
        'parley doctor (text)',
      );
      assert.equal(code, 0, out);
      assert.match(out, /^ok {4}prosody /m);
      assert.match(out, /^warn {2}advertise /m);
      assert.match(out, /12 checks: 11 ok, 1 warn, 0 FAIL/);
    });

    await t.test('advertised address not on this machine: advertise FAIL, and no media is sent there', async () => {
      const { code, report } = await doctor(flags(dataDir, ports, { advertise: '10.255.255.1' }));
      assert.equal(code, 1);
      const a = byId(report, 'advertise');
      assert.equal(a.status, 'fail');
      assert.match(a.summary, /send media to 10\.255\.255\.1, |send media to 10\.255\.255\.1 /);
      assert.match(a.summary, /not an address of this machine/);
      assert.match(a.fix!, /PARLEY_ADVERTISE \/ --advertise/);
      const m = byId(report, 'media');
      assert.equal(m.status, 'ok', m.summary);
      assert.match(m.summary, /not sent to 10\.255\.255\.1/);
    });

    await t.test('media port blocked: media FAIL with the firewall fix', async () => {
      const { code, report } = await doctor(flags(dataDir, ports, { 'media-port': String(unusedUdp) }));
      assert.equal(code, 1);
      const m = byId(report, 'media');
      assert.equal(m.status, 'fail');
      assert.match(m.summary, new RegExp(`127\\.0\\.0\\.1:${unusedUdp} never reached the bridge`));
      assert.ok(m.fix!.includes(`ufw allow ${unusedUdp}/udp`), m.fix);
      assert.ok(m.fix!.includes(`firewall-cmd --add-port=${unusedUdp}/udp --permanent`), m.fix);
      assert.ok(m.fix!.includes(`ICE-TCP ${tcp}`), m.fix);
      assert.equal(
        byId(report, 'media').summary.includes(`UDP ${media}`),
        true,
        'names the port the running bridge uses',
      );
    });

    await t.test(
      'WebSocket path answered 404 by what sits on the HTTPS port: websocket FAIL naming the URL',
      async () => {
        const certs = join(dataDir, 'certs');
        const server = createServer(
          { cert: readFileSync(join(certs, 'cert.pem')), key: readFileSync(join(certs, 'key.pem')) },
          (_req, res) => res.writeHead(404).end('not here\n'),
        );
        server.on('upgrade', (_req, socket) =>
          socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot here\n'),
        );
        await new Promise<void>((r) => server.listen(fakeHttps, '127.0.0.1', r));
        try {
          const { code, report } = await doctor(
            flags(dataDir, ports, { 'https-port': String((server.address() as AddressInfo).port) }),
          );
          assert.equal(code, 1);
          const w = byId(report, 'websocket');
          assert.equal(w.status, 'fail');
          assert.ok(w.summary.includes(`wss://127.0.0.1:${fakeHttps}/xmpp-websocket`), w.summary);
          assert.match(w.summary, /HTTP 404/);
          assert.ok(
            w.fix!.includes(
              'proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";',
            ),
            w.fix,
          );
          assert.equal(byId(report, 'bosh').status, 'fail');
        } finally {
          server.closeAllConnections();
          await new Promise<void>((r) => server.close(() => r()));
        }
      },
    );

    await t.test('expired server certificate: certificate FAIL with the re-issue and trust fix', async () => {
      const copy = mkdtempSync(join(tmpdir(), 'parley-doctor-copy-'));
      copies.push(copy);
      cpSync(dataDir, copy, { recursive: true });
      writeFileSync(join(copy, 'certs', 'cert.pem'), await expiredCert(join(copy, 'certs')));
      const { code, report } = await doctor(flags(copy, ports));
      assert.equal(code, 1);
      const c = byId(report, 'certificate');
      assert.equal(c.status, 'fail');
      assert.match(c.summary, /expired on/);
      assert.match(c.fix!, /npm start/);
      assert.ok(c.fix!.includes(join(copy, 'certs', 'ca.pem')), c.fix);
      assert.equal(byId(report, 'prosody').status, 'ok');
    });

    await t.test('Prosody stopped: prosody FAIL with npm start and its log', async () => {
      const pid = Number(readFileSync(join(dataDir, 'prosody', 'prosody.pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        try {
          process.kill(pid, 0);
          await new Promise((r) => setTimeout(r, 50));
        } catch {
          break;
        }
      }
      // start restarts a dead Prosody (200 ms later): hold its client port so the restart fails
      // ("port in use", retried with backoff) and Prosody stays down while doctor looks.
      const blocker = createTcpServer();
      await new Promise<void>((resolve, reject) => {
        blocker.once('error', reject);
        blocker.listen(ports[0], '127.0.0.1', () => resolve());
      });
      blocker.unref();
      const { code, report } = await doctor(flags(dataDir, ports)).finally(() => blocker.close());
      assert.equal(byId(report, 'stack').status, 'fail', byId(report, 'stack').summary);
      assert.equal(code, 1);
      const p = byId(report, 'prosody');
      assert.equal(p.status, 'fail');
      assert.match(p.summary, new RegExp(`pid ${pid} .*is not running`));
      assert.match(p.fix!, /npm start/);
      assert.ok(p.fix!.includes(join(dataDir, 'prosody', 'prosody.log')), p.fix);
      assert.notEqual(byId(report, 'ports').summary, 'skipped: the stack is running, so its ports are in use by it');
    });
  } finally {
    if (stack) {
      const exited = new Promise<void>((r) =>
        stack!.child.exitCode !== null ? r() : stack!.child.once('exit', () => r()),
      );
      stack.child.kill('SIGTERM');
      await withTimeout(exited, 10_000, 'parley start to stop').catch(() => stack!.child.kill('SIGKILL'));
    }
    for (const d of [dataDir, ...copies]) rmSync(d, { recursive: true, force: true });
  }
});
