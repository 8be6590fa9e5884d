// Issue 11, attacks on the edge of a deployment, each played by the test as the attacker would:
//   6. idle ICE-TCP connections to the bridge, without limit;
//   7. TURN credentials for anyone, and a TURN relay to any TCP port;
//   8. reading internals (/metrics, the source map) on the public HTTPS port.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { startBridge, type RunningBridge } from '@parley/bridge';
import { createLogger } from '@parley/service';
import { makeTestProsody, type TestProsody } from '@parley/xmpp-config';
import { ATTR, BINDING, decodeStun, encodeStun, verifyIntegrity } from '../../packages/bridge/src/transport/stun.js';
import { TcpFramer } from '../../packages/bridge/src/transport/tcp-framing.js';
import { waitUntil } from './harness.js';

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
