// What the bridge does with the bridge-channel messages lib-jitsi-meet sends besides Parley's own:
// SourceVideoTypeMessage, LastNChangedEvent, ReceiverAudioSubscription, and classes nobody knows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wantsAudio } from './conference.js';
import { channelMeeting as meeting } from './fixtures/channel-transport.js';

test("SourceVideoTypeMessage changes the sender's own source only", () => {
  const { bridge, conference, a, b, say } = meeting();
  say(a, { colibriClass: 'SourceVideoTypeMessage', sourceName: `${a}-v0`, videoType: 'desktop' });
  assert.equal(conference.endpoints.get(a)!.sources.get(`${a}-v0`)!.videoType, 'desktop');
  say(a, { colibriClass: 'SourceVideoTypeMessage', sourceName: `${b}-v0`, videoType: 'desktop' });
  assert.equal(conference.endpoints.get(b)!.sources.get(`${b}-v0`)!.videoType, 'camera', 'not the sender: ignored');
  say(a, { colibriClass: 'SourceVideoTypeMessage', sourceName: `${a}-v0`, videoType: 'camera' });
  assert.equal(conference.endpoints.get(a)!.sources.get(`${a}-v0`)!.videoType, 'camera');
  bridge.close();
});

test('LastNChangedEvent 0 stops video to that receiver; -1 brings it back', () => {
  const { bridge, conference, a, b, say } = meeting();
  assert.deepEqual(conference.endpoints.get(a)!.forwardedVideo, [`${b}-v0`]);
  say(a, { colibriClass: 'LastNChangedEvent', lastN: 0 });
  assert.deepEqual(conference.endpoints.get(a)!.forwardedVideo, []);
  say(a, { colibriClass: 'LastNChangedEvent', lastN: -1 });
  assert.deepEqual(conference.endpoints.get(a)!.forwardedVideo, [`${b}-v0`]);
  bridge.close();
});

test('ReceiverAudioSubscription: All, None, Include and Exclude by source name', () => {
  const { bridge, conference, a, say } = meeting();
  say(a, { colibriClass: 'ReceiverAudioSubscription', mode: 'Exclude', list: ['bbbbbbbb-a0'] });
  assert.deepEqual(conference.endpoints.get(a)!.audioSubscription?.list, ['bbbbbbbb-a0']);
  const sub = conference.endpoints.get(a)!.audioSubscription;
  assert.equal(wantsAudio(sub, 'bbbbbbbb-a0'), false);
  assert.equal(wantsAudio(sub, 'cccccccc-a0'), true);
  assert.equal(wantsAudio(undefined, 'bbbbbbbb-a0'), true, 'no message: everyone');
  const include = { colibriClass: 'ReceiverAudioSubscription' as const, mode: 'Include' as const, list: ['x-a0'] };
  assert.deepEqual([wantsAudio(include, 'x-a0'), wantsAudio(include, 'y-a0')], [true, false]);
  assert.equal(wantsAudio({ colibriClass: 'ReceiverAudioSubscription', mode: 'None' }, 'x-a0'), false);
  bridge.close();
});

test('unknown classes are counted and logged once per class, never warned; malformed ones still are', () => {
  const { bridge, a, b, say, logs, transports } = meeting();
  for (let i = 0; i < 50; i++) say(a, { colibriClass: 'E2EPingRequest', id: i });
  say(a, { colibriClass: 'SomethingElse' });
  assert.equal(bridge.counters.drops.get('bridge-channel-unknown-class'), 51);
  const unknownLogs = logs.filter((l) => l.includes('bridge_channel.unknown_class'));
  assert.equal(unknownLogs.length, 2, 'one debug line per unknown class');
  assert.ok(unknownLogs.every((l) => JSON.parse(l).level === 'debug'));
  assert.ok(!logs.some((l) => l.includes('bridge_channel.bad_message')));
  say(a, { colibriClass: 'EndpointMessage' });
  assert.equal(bridge.counters.drops.get('bridge-channel-malformed'), 1);
  assert.ok(logs.some((l) => l.includes('bridge_channel.bad_message')));
  // The channel still works after all that.
  say(a, { colibriClass: 'EndpointMessage', to: b, msgPayload: { hello: 1 } });
  assert.deepEqual(transports.get(b)!.sent.at(-1), {
    colibriClass: 'EndpointMessage',
    to: b,
    msgPayload: { hello: 1 },
    from: a,
  });
  bridge.close();
});
