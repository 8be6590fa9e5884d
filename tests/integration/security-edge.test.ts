// Issue 11, attacks on the edge of a deployment, each played by the test as the attacker would:
//   6. idle ICE-TCP connections to the bridge, without limit;
//   7. TURN credentials for anyone, and a TURN relay to any TCP port;
//   8. reading internals (/metrics, the source map) on the public HTTPS port.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import https from 'node:https';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client } from '@xmpp/client';
import { xml, type Element } from '@parley/protocol';
import { startBridge, type RunningBridge } from '@parley/bridge';
import { createLogger } from '@parley/service';
import { freePorts, makeTestProsody, type TestProsody } from '@parley/xmpp-config';
import {
  ATTR,
  BINDING,
  decodeErrorCode,
  decodeStun,
  encodeStun,
  getAttribute,
  verifyIntegrity,
  type StunMessage,
} from '../../packages/bridge/src/transport/stun.js';
import { TcpFramer } from '../../packages/bridge/src/transport/tcp-framing.js';
import { waitUntil, withTimeout } from './harness.js';
import { pickStartPorts, startCli, startFlags, type StartedCli, type StartPorts } from './cli-process.js';

/** One attacker connection: the source address it was opened from, and whether the bridge has closed it. */
interface IdleConnection {
  from: string;
  socket: net.Socket;
  closed: boolean;
}

async function openIdle(port: number, from: string): Promise<IdleConnection> {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
  const c: IdleConnection = { from, socket, closed: false };
  socket.on('error', () => {}); // a reset from the bridge is one of the expected outcomes
  socket.on('close', () => (c.closed = true));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return c;
}

function metricValue(text: string, name: string, reason: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`reason="${reason}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('attack 6: idle ICE-TCP connections', () => {
  let prosody: TestProsody;
  let sfu: RunningBridge;
  const logs: string[] = [];
  const flood: IdleConnection[] = [];

  before(async () => {
    prosody = await makeTestProsody({ log: (l) => logs.push(l) });
    const s = prosody.settings;
    // The bridge as `parley start` runs it: the ICE-TCP admission settings are left at their defaults.
    sfu = await startBridge(
      {
        domain: prosody.domains.domain,
        xmppService: `xmpp://127.0.0.1:${s.ports.c2s}`,
        username: s.bridgeAccount.username,
        password: s.bridgeAccount.password,
        bridgeId: 'jvb-edge',
        focusJids: [],
        mediaPort: 0,
        tcpPort: 0,
        bindAddress: '127.0.0.1',
        advertise: ['127.0.0.1'],
        httpHost: '127.0.0.1',
        httpPort: 0,
        statsIntervalMs: 1000,
        logLevel: 'info',
      },
      { log: createLogger('bridge', { write: (l) => logs.push(l) }) },
    );
  });
  after(async () => {
    for (const c of flood) c.socket.destroy();
    await sfu?.close();
    await prosody?.stop();
  });

  test('an idle flood is bounded per address and in all, closed at the deadline; a real participant gets in', async () => {
    const tcpPort = sfu.port.tcpPort!;
    const open = (from?: string) => flood.filter((c) => !c.closed && (from === undefined || c.from === from)).length;

    // One address opens 40 connections and never speaks: at most 16 of them stay open.
    for (let i = 0; i < 40; i++) flood.push(await openIdle(tcpPort, '127.0.0.2'));
    await waitUntil('the bridge keeps at most 16 idle connections from 127.0.0.2', () => open('127.0.0.2') <= 16, 4000);

    // Twenty more addresses open 15 each (under the per-address bound): at most 256 stay open in all.
    const opening: Promise<IdleConnection>[] = [];
    for (let a = 3; a < 23; a++) for (let i = 0; i < 15; i++) opening.push(openIdle(tcpPort, `127.0.0.${a}`));
    flood.push(...(await Promise.all(opening)));
    await waitUntil('the bridge keeps at most 256 idle connections in all', () => open() <= 256, 4000);

    // During the flood, a participant with valid ICE credentials connects and is answered.
    const t = sfu.port.createTransport('edge0001');
    const real = net.connect({ host: '127.0.0.1', port: tcpPort });
    real.on('error', () => {});
    let realClosed = false;
    real.on('close', () => (realClosed = true));
    const frames: Buffer[] = [];
    const framer = new TcpFramer((f) => frames.push(Buffer.from(f)));
    real.on('data', (d) => framer.push(d));
    await new Promise<void>((r) => real.once('connect', () => r()));
    real.write(
      TcpFramer.frame(
        encodeStun({
          method: BINDING,
          cls: 'request',
          transactionId: randomBytes(12),
          attributes: [
            { type: ATTR.USERNAME, value: Buffer.from(`${t.local.ufrag}:peer`) },
            { type: ATTR.PRIORITY, value: Buffer.from([0x6e, 0, 1, 0xff]) },
            { type: ATTR.ICE_CONTROLLING, value: randomBytes(8) },
            { type: ATTR.USE_CANDIDATE, value: Buffer.alloc(0) },
          ],
          integrityKey: t.local.pwd,
          fingerprint: true,
        }),
      ),
    );
    await waitUntil('the bridge answers the real participant', () => frames.length > 0, 5000);
    const answer = decodeStun(frames[0])!;
    assert.equal(answer.cls, 'success');
    assert.ok(verifyIntegrity(answer, t.local.pwd), 'the answer is signed with the transport password');
    assert.equal(t.selected?.kind, 'tcp', 'the participant media path is the ICE-TCP connection');

    // The refusals are counted on the bridge's metrics port.
    const metricsUrl = `http://127.0.0.1:${sfu.httpPort}/metrics`;
    const metrics = await (await fetch(metricsUrl)).text();
    const refused = 'parley_bridge_ice_tcp_refused_total';
    assert.ok(metricValue(metrics, refused, 'tcp-unauth-limit-per-source') >= 1, metrics);
    assert.ok(metricValue(metrics, refused, 'tcp-unauth-limit-total') >= 1, metrics);

    // Whoever stays silent is closed after the deadline (5 s by default); the participant stays.
    await waitUntil('every idle connection is closed', () => open() === 0, 15_000);
    assert.equal(realClosed, false, 'the authenticated connection stays open');
    const later = await (await fetch(metricsUrl)).text();
    assert.ok(metricValue(later, refused, 'tcp-auth-timeout') >= 1, later);
    real.destroy();
    t.close();
  });
});

// ---- attacks 7 and 8: `parley start --turn` as deployed, probed from outside ----------------------

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${url} timed out`)));
  });
}

const ALLOCATE = 0x003;
const REQUESTED_TRANSPORT = 0x0019;
const REALM = 0x0014;
const NONCE = 0x0015;

/** One TURN Allocate over TCP with long-term credentials (RFC 5766 10.2): the answer to the signed request. */
async function turnAllocate(
  port: number,
  cred: { username: string; password: string },
  protocol: 'udp' | 'tcp',
): Promise<StunMessage> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  let buffered = Buffer.alloc(0);
  const waiting: ((m: StunMessage) => void)[] = [];
  socket.on('data', (d) => {
    buffered = Buffer.concat([buffered, d]);
    while (buffered.length >= 20 && buffered.length >= 20 + buffered.readUInt16BE(2)) {
      const n = 20 + buffered.readUInt16BE(2);
      const msg = decodeStun(buffered.subarray(0, n));
      buffered = buffered.subarray(n);
      if (msg) waiting.shift()?.(msg);
    }
  });
  const ask = (attributes: { type: number; value: Buffer }[], key?: Buffer) =>
    withTimeout(
      new Promise<StunMessage>((resolve) => {
        waiting.push(resolve);
        socket.write(
          encodeStun({
            method: ALLOCATE,
            cls: 'request',
            transactionId: randomBytes(12),
            attributes,
            integrityKey: key,
            fingerprint: true,
          }),
        );
      }),
      5000,
      'an answer from coturn',
    );
  try {
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const transport = { type: REQUESTED_TRANSPORT, value: Buffer.from([protocol === 'tcp' ? 6 : 17, 0, 0, 0]) };
    const challenge = await ask([transport]);
    const realm = getAttribute(challenge, REALM);
    const nonce = getAttribute(challenge, NONCE);
    assert.ok(realm && nonce, 'coturn challenges with REALM and NONCE');
    const key = createHash('md5').update(`${cred.username}:${realm.toString()}:${cred.password}`).digest();
    return await ask(
      [
        transport,
        { type: ATTR.USERNAME, value: Buffer.from(cred.username) },
        { type: REALM, value: realm },
        { type: NONCE, value: nonce },
      ],
      key,
    );
  } finally {
    socket.destroy();
  }
}

describe('attacks 7 and 8: parley start --turn, from outside', () => {
  let dataDir: string;
  let ports: StartPorts;
  let turnPort: number;
  let turnsPort: number;
  let webMetricsPort: number;
  let s: StartedCli;
  let ca: string;
  const domain = 'edge.parley.test';

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-edge-'));
    ports = await pickStartPorts();
    [turnPort, turnsPort] = await freePorts(2);
    webMetricsPort = ports.webMetrics; // startFlags passes --web-metrics-port
    s = await startCli([
      ...startFlags(dataDir, ports, domain),
      '--turn',
      '--turn-port',
      String(turnPort),
      '--turns-port',
      String(turnsPort),
    ]);
    ca = readFileSync(s.info.ca, 'utf8');
  });
  after(async () => {
    await s?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const turnSecret = () => JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).turnSecret as string;

  test('attack 7: GET /turn-credentials without a session gets no credential', async () => {
    const r = await httpsGet(`https://127.0.0.1:${ports.https}/turn-credentials`, ca);
    assert.equal(r.status, 404, r.body);
    assert.doesNotMatch(r.body, /credential"|username|iceServers/);
  });

  test('attack 7: an anonymous XMPP session gets TURN services (XEP-0215) valid for an hour at most', async () => {
    const x = client({ service: `xmpp://127.0.0.1:${ports.xmpp}`, domain });
    x.on('error', () => {});
    await withTimeout(x.start(), 10_000, 'anonymous login');
    try {
      const before = Math.floor(Date.now() / 1000);
      const answer = (await x.iqCaller.request(
        xml('iq', { type: 'get', to: domain }, xml('services', { xmlns: 'urn:xmpp:extdisco:2' })) as never,
        5000,
      )) as unknown as Element;
      const services = answer.getChild('services', 'urn:xmpp:extdisco:2')?.getChildren('service') ?? [];
      const seen = services.map((e) => `${e.attrs.type}:${e.attrs.host}:${e.attrs.port}/${e.attrs.transport}`);
      assert.deepEqual(seen.sort(), [`turn:127.0.0.1:${turnPort}/tcp`, `turns:127.0.0.1:${turnsPort}/tcp`]);
      for (const e of services) {
        const expires = Date.parse(String(e.attrs.expires)) / 1000;
        assert.ok(expires > before && expires <= before + 3600 + 5, `expires ${e.attrs.expires} is within an hour`);
        const m = /^(\d+):parley$/.exec(String(e.attrs.username));
        assert.ok(m, `username ${e.attrs.username}`);
        assert.ok(Number(m[1]) <= before + 3600 + 5, 'the credential itself expires within an hour');
        assert.equal(
          e.attrs.password,
          createHmac('sha1', turnSecret()).update(String(e.attrs.username)).digest('base64'),
          "signed with coturn's secret",
        );
      }

      // The credential works for what browsers need (a UDP relay); a TCP relay (RFC 6062), which
      // would reach any TCP port of the bridge's machine, is refused.
      const cred = { username: String(services[0].attrs.username), password: String(services[0].attrs.password) };
      const udp = await turnAllocate(turnPort, cred, 'udp');
      assert.equal(
        udp.cls,
        'success',
        `UDP allocation: ${JSON.stringify(decodeErrorCode(getAttribute(udp, ATTR.ERROR_CODE) ?? Buffer.alloc(0)))}`,
      );
      const tcp = await turnAllocate(turnPort, cred, 'tcp');
      assert.equal(tcp.cls, 'error', 'a TCP relay allocation is refused');
      assert.equal(decodeErrorCode(getAttribute(tcp, ATTR.ERROR_CODE)!)?.code, 442, 'Unsupported Transport Protocol');
    } finally {
      await x.stop().catch(() => {});
    }
  });

  test('attack 8: /metrics and the source map are 404 on the public port; metrics are on loopback', async () => {
    for (const path of ['/metrics', '/app.js.map']) {
      const r = await httpsGet(`https://127.0.0.1:${ports.https}${path}`, ca);
      assert.equal(r.status, 404, `${path}: ${r.body.slice(0, 200)}`);
      assert.doesNotMatch(r.body, /parley_web_|"sources"/, path);
    }
    const js = await httpsGet(`https://127.0.0.1:${ports.https}/app.js`, ca);
    assert.equal(js.status, 200);
    assert.doesNotMatch(js.body, /sourceMappingURL/, 'the bundle points at no source map');
    assert.equal(s.info.web?.metrics, `http://127.0.0.1:${webMetricsPort}/metrics`, 'the ready line names it');
    const m = await fetch(`http://127.0.0.1:${webMetricsPort}/metrics`);
    assert.equal(m.status, 200);
    assert.match(await m.text(), /parley_web_http_requests_total\{[^}]*route="metrics"[^}]*status="404"/);
  });
});
