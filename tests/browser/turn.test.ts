// When UDP from the browsers to the bridge is blocked and they may use TURN only (iceTransportPolicy
// 'relay'), media still flows: browser --TURN over TCP--> coturn --UDP--> bridge.
// Everything on loopback: coturn listens and relays on 127.0.0.1, like `parley start --turn` does on
// the bridge's own address, so the bridge tells the relay from a browser by the source port (coturn's
// relay port range). Once with TURN over TCP (turn:...?transport=tcp), once over TLS (turns:, coturn
// with the local CA's certificate; Chromium accepts it with --ignore-certificate-errors).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@parley/xmpp-config';
import { startStack, type Stack } from '../integration/harness.js';
import {
  defaultStaticDir,
  ensureCertificates,
  startWebServer,
  type RunningWebServer,
} from '../../packages/web/src/server/index.js';
import { startTurnServer, turnServices, type RunningTurnServer } from '../../packages/cli/src/turn/index.js';
import { GREEN, T, closeAll, poll, redAndBlueSeeEachOther, useWebStack, withTimeout } from './harness.js';

for (const transport of ['tcp', 'tls'] as const)
  describe(`media through TURN over ${transport.toUpperCase()} (coturn) when UDP to the bridge is blocked`, () => {
    // A relay port range of its own (coturn picks allocation ports from it).
    const relayMin = 40_000 + Math.floor(Math.random() * 200) * 100;
    const relayPorts = { min: relayMin, max: relayMin + 99 };
    const fromRelay = (ip: string, port: number) =>
      ip === '127.0.0.1' && port >= relayPorts.min && port <= relayPorts.max;
    let turn: RunningTurnServer | undefined;

    const suite = useWebStack({
      // The stack (Prosody lists coturn to XMPP sessions, XEP-0215), coturn in front of it, the web server.
      start: async () => {
        let stack: Stack | undefined;
        let web: RunningWebServer | undefined;
        const dirs: string[] = [];
        const close = async () => {
          await closeAll();
          if (web) await withTimeout(web.close(), 5000, 'web server close').catch(() => {});
          await turn?.stop();
          await stack?.close();
          for (const d of dirs) rmSync(d, { recursive: true, force: true });
        };
        try {
          const staticDir = process.env.PARLEY_TEST_STATIC_DIR ?? defaultStaticDir();
          if (!existsSync(join(staticDir, 'app.js')))
            throw new Error(`the web client is not built (${staticDir} has no app.js): run npm run build`);
          const dir = mkdtempSync(join(tmpdir(), 'parley-turn-'));
          dirs.push(dir);
          const certs = await ensureCertificates(join(dir, 'certs'), {
            hostnames: ['localhost'],
            addresses: ['127.0.0.1'],
          });
          const secret = 'turn-test-secret-0123456789';
          const port = await freePort();
          const tlsPort = transport === 'tls' ? await freePort() : null;
          stack = await startStack({
            realBridge: true,
            // Only the service of the transport under test, so the browsers cannot pick the other one.
            turn: {
              secret,
              ttlSeconds: 3600,
              services: turnServices(['127.0.0.1'], port, tlsPort).filter(
                (s) => s.type === (transport === 'tls' ? 'turns' : 'turn'),
              ),
            },
          });
          turn = await startTurnServer({
            settings: {
              realm: stack.domain,
              secret,
              listeningIps: ['127.0.0.1'],
              relayIps: ['127.0.0.1'],
              allowedPeerIps: ['127.0.0.1'],
              allowLoopbackPeers: true, // the bridge is on loopback here (tests only)
              port,
              tlsPort,
              ...(transport === 'tls' ? { tls: { cert: certs.certPath, pkey: certs.keyPath } } : {}),
              relayPorts,
              dataDir: join(dir, 'turn'),
              verbose: true,
            },
          });
          web = await startWebServer({
            host: '127.0.0.1',
            httpsPort: 0,
            xmppHttp: { host: '127.0.0.1', port: stack.prosody.settings.ports.http },
            domain: stack.domain,
            tls: { cert: certs.certPem, key: certs.keyPem },
            turn: true,
            config: { iceTransportPolicy: 'relay' },
            staticDir,
          });
          // A firewall that drops every datagram to the media port except the relay's.
          stack.sfu!.port.faultsForTest.blockUdpFrom = (ip, p) => !fromRelay(ip, p);
          return { url: web.url.replace(/\/$/, ''), stack, caCertPem: certs.caCertPem, close };
        } catch (err) {
          await close();
          throw err;
        }
      },
    });

    test("two participants see each other's colour through the relay", { timeout: 120_000 }, async () => {
      await suite.checking(async () => {
        const { red, blue } = await redAndBlueSeeEachOther(suite, suite.link(`turn-${transport}`), 40_000);

        // The bridge's selected path of each endpoint is the relay (UDP from coturn's relay ports).
        const paths = await poll(
          'both endpoints are connected through the relay',
          async () => {
            const eps = [...suite.web.stack.sfu!.bridge.conferences.values()].flatMap((c) => [...c.endpoints.values()]);
            const sel = eps.map(
              (e) => (e.transport as unknown as { selected?: { kind: string; ip: string; port: number } }).selected,
            );
            return sel.length === 2 &&
              sel.every((s) => s && s.kind === 'udp' && fromRelay(s.ip.replace(/^::ffff:/, ''), s.port))
              ? sel
              : undefined;
          },
          T.media,
        );
        assert.equal(paths.length, 2);

        // Each browser's selected candidate pair is local 'relay', to coturn over TCP or TLS.
        for (const p of [red, blue]) {
          const local = await p.page.evaluate(async () => {
            const report = await (globalThis as any).parleyDebug.getStats();
            let pairId: string | undefined;
            report.forEach((s: any) => {
              if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
            });
            const pair = pairId ? report.get(pairId) : undefined;
            const c = pair ? report.get(pair.localCandidateId) : undefined;
            return c ? { type: c.candidateType, relayProtocol: c.relayProtocol, url: c.url } : null;
          });
          assert.equal(local?.type, 'relay', `${p.name}'s selected local candidate: ${JSON.stringify(local)}`);
          assert.equal(
            local?.relayProtocol,
            transport,
            `${p.name} reaches coturn over ${transport}: ${JSON.stringify(local)}`,
          );
        }

        // coturn saw the allocations, authenticated with the credentials Prosody gave the sessions.
        const log = readFileSync(turn!.logPath, 'utf8');
        const allocations = log.match(/ALLOCATE processed, success/g)?.length ?? 0;
        assert.ok(
          allocations >= 2,
          `coturn logged ${allocations} successful allocations; log tail:\n${log.split('\n').slice(-30).join('\n')}`,
        );
      });
    });

    test('the /doctor page reaches the bridge through the relay, with TURN servers from XMPP', {
      timeout: 150_000,
    }, async () => {
      await suite.checking(async () => {
        const p = await suite.launch({ color: GREEN, name: 'Doctor' });
        await p.page.goto(`${suite.web.url}/doctor`, { timeout: T.nav, waitUntil: 'domcontentloaded' });
        const turnCheck = p.page.locator('[data-testid="doctor-check"][data-check="turn"]');
        await p.page.locator('[data-testid="doctor-summary"][data-done="true"]').waitFor({ timeout: 120_000 });
        assert.equal(await turnCheck.getAttribute('data-status'), 'ok', await turnCheck.innerText());
        // The doctor has no TURN server but the ones Prosody listed for its XMPP session.
        assert.match(await turnCheck.innerText(), new RegExp(`\\(relay, relay over ${transport}\\)`));
      });
    });
  });
