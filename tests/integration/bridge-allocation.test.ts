// The real bridge behind the focus: allocation over colibri2 through the brewery MUC.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { conferenceModifyToXml, xml } from '@parley/protocol';
import { expectStanzaError, startStack, waitUntil, ssrcsOf, type Stack } from './harness.js';

describe('focus + real bridge over colibri2', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ realBridge: true });
  });
  after(async () => {
    await stack?.close();
  });

  test('each participant is offered its own bridge transport on the one media port', async () => {
    const [a, b] = [await stack.participant('A'), await stack.participant('B')];
    await a.join('sfu-room');
    await a.accept();
    await b.join('sfu-room');
    const offerA = a.jingles[0].jingle;
    const offerB = await b.sessionInitiate();
    const tA = offerA.contents[0].transport!;
    const tB = offerB.contents[0].transport!;
    const udpPort = stack.sfu!.port.udpPort;
    for (const t of [tA, tB]) {
      assert.deepEqual(
        t.candidates.filter((c) => c.protocol === 'udp').map((c) => `${c.ip}:${c.port}`),
        [`127.0.0.1:${udpPort}`],
      );
      assert.ok(
        t.candidates.some((c) => c.protocol === 'tcp' && c.port === stack.sfu!.port.tcpPort && c.tcptype === 'passive'),
        'an ICE-TCP candidate is offered',
      );
      assert.equal(t.fingerprints[0].hash, 'sha-256');
    }
    assert.notEqual(tA.ufrag, tB.ufrag);
    assert.equal(offerB.contents.find((c) => c.name === 'data')?.transport?.sctpPort, 5000);
    await b.accept();
    await b.waitForRemoteSsrcs("B is offered A's sources after its accept", ssrcsOf(a.own));
    const dump = stack.sfu!.bridge.dump() as {
      conferences: { name: string; endpoints: { id: string; sources: { name: string }[] }[] }[];
    };
    const conf = dump.conferences.find((c) => c.name === `sfu-room@${stack.mucDomain}`)!;
    assert.deepEqual(conf.endpoints.map((e) => e.id).sort(), [a.endpointId, b.endpointId].sort());
    assert.deepEqual(
      conf.endpoints
        .find((e) => e.id === a.endpointId)!
        .sources.map((s) => s.name)
        .sort(),
      [`${a.endpointId}-a0`, `${a.endpointId}-v0`],
    );

    await a.disconnect();
    await b.disconnect();
    await waitUntil('the bridge conference is expired', () => stack.sfu!.bridge.conferences.size === 0);
  });

  test('colibri2 from anyone but the focus is refused and changes nothing', async () => {
    const intruder = await stack.participant('Mallory');
    const bridgeJid = `${stack.prosody.settings.bridgeAccount.username}@auth.${stack.domain}/jvb-test`;
    const request = conferenceModifyToXml({
      meetingId: 'stolen',
      create: true,
      endpoints: [{ id: 'deadbeef', create: true }],
    });
    await expectStanzaError(
      intruder.request(xml('iq', { type: 'set', to: bridgeJid }, request)),
      'forbidden',
      /is not a focus/,
    );
    assert.equal(stack.sfu!.bridge.conferences.size, 0);
  });

  test('the bridge reports health, Prometheus metrics and its conference tree', async () => {
    const [a, b] = [await stack.participant('H1'), await stack.participant('H2')];
    await a.join('observed');
    await a.accept();
    await b.join('observed');
    await b.accept();
    const base = `http://127.0.0.1:${stack.sfu!.httpPort}`;
    const health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { udpPort: number }).udpPort, stack.sfu!.port.udpPort);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of [
      'parley_bridge_packets_in_total',
      'parley_bridge_bytes_out_total',
      'parley_bridge_nacks_sent_total',
      'parley_bridge_plis_sent_total',
      'parley_bridge_dropped_packets_total',
    ]) {
      assert.match(metrics, new RegExp(`^# TYPE ${name} counter$`, 'm'));
    }
    assert.match(metrics, /^parley_bridge_endpoints\{[^}]*\} 2$/m);
    assert.match(metrics, /^parley_bridge_conferences\{[^}]*\} 1$/m);
    const dump = (await (await fetch(`${base}/debug/conferences`)).json()) as {
      conferences: { name: string; endpoints: { id: string; sources: { name: string }[] }[] }[];
    };
    const conf = dump.conferences.find((c) => c.name === `observed@${stack.mucDomain}`)!;
    assert.deepEqual(conf.endpoints.map((e) => e.id).sort(), [a.endpointId, b.endpointId].sort());
    assert.ok(
      conf.endpoints.every((e) => e.sources.length === 2),
      'each endpoint shows its audio and video source',
    );
    await a.disconnect();
    await b.disconnect();
  });
});
