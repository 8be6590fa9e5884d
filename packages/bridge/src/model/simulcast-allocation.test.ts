// Simulcast sources on the Conference: SIM groups become layers, the layer follows the receiver's
// constraints and bandwidth estimate, and a source paused for bandwidth stays in ForwardedSources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelMeeting as meeting } from './fixtures/channel-transport.js';

const SIM = [201, 202, 203];

function simulcastMeeting() {
  const m = meeting();
  const sender = m.conference.endpoints.get(m.b)!;
  const name = `${m.b}-v0`;
  sender.setSources([
    {
      type: 'video',
      id: name,
      sources: [...SIM, 211, 212, 213].map((ssrc) => ({ ssrc, name, owner: m.b, videoType: 'camera' as const })),
      ssrcGroups: [{ semantics: 'SIM', ssrcs: SIM }, ...SIM.map((s) => ({ semantics: 'FID', ssrcs: [s, s + 10] }))],
    },
  ]);
  const layers = () => m.conference.dump().endpoints.find((e) => e.id === m.a)!.simulcastLayers[name];
  const forwarded = () =>
    m.transports
      .get(m.a)!
      .sent.filter((x) => x.colibriClass === 'ForwardedSources')
      .at(-1)?.forwardedSources;
  return { ...m, sender, name, layers, forwarded };
}

test('a SIM group makes one source of three layers, each with its FID partner', () => {
  const { bridge, sender, name } = simulcastMeeting();
  const source = sender.sources.get(name)!;
  assert.equal(source.simulcast, true);
  assert.deepEqual(
    source.streams.map((s) => [s.layer, s.primarySsrc, s.rtxSsrc]),
    [
      [0, 201, 211],
      [1, 202, 212],
      [2, 203, 213],
    ],
  );
  bridge.close();
});

test('the layer follows maxHeight; a zero estimate pauses the source yet keeps it in ForwardedSources', () => {
  const { bridge, conference, a, say, name, layers, forwarded } = simulcastMeeting();
  const receiver = conference.endpoints.get(a)!;
  say(a, { colibriClass: 'ReceiverVideoConstraints', constraints: { [name]: { maxHeight: 360 } } });
  assert.equal(layers().target, 1, '360p fits the middle layer (assumed 180/360/720 before any keyframe)');
  say(a, { colibriClass: 'ReceiverVideoConstraints', constraints: { [name]: { maxHeight: 180 } } });
  assert.equal(layers().target, 0);
  receiver.overrideEstimateForTest(0);
  say(a, { colibriClass: 'ReceiverVideoConstraints', constraints: { [name]: { maxHeight: 720 } } });
  say(a, { colibriClass: 'LastNChangedEvent', lastN: 0 });
  assert.deepEqual(forwarded(), []);
  say(a, { colibriClass: 'LastNChangedEvent', lastN: -1 });
  assert.equal(layers().target, -1, 'nothing fits a zero estimate: paused');
  assert.deepEqual(forwarded(), [name], 'the paused source is still announced as forwarded');
  receiver.overrideEstimateForTest(5_000_000);
  conference.updateForwarding();
  assert.equal(layers().target, 2, 'the estimate recovered: the high layer');
  bridge.close();
});
