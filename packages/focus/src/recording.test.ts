import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecordingStatusPresence, ProtocolError, xml, type Element } from '@parley/protocol';
import { createLogger } from '@parley/service';
import { FakeBridgeClient } from './fake-bridge-client.js';
import { noSources } from './sources.js';
import { Participant } from './participant.js';
import { ConferenceRecording } from './recording.js';

const ROOM = 'r@conference.example';

function setup(opts: { mode?: 'file' | 'stream'; allowedStreamHosts?: string[] } = {}) {
  const bridge = new FakeBridgeClient();
  const colibri = bridge.session('m1', ROOM);
  const participants = new Map<string, Participant>();
  const presences: Element[][] = [];
  const add = (id: string, name: string, moderator = false) => {
    const p = new Participant(id, `${ROOM}/${id}`, `anon-${id}@example/res`);
    p.isModerator = moderator;
    p.name = name;
    participants.set(id, p);
    return p;
  };
  const recording: ConferenceRecording = new ConferenceRecording(
    {
      participants,
      colibri: () => colibri,
      run: async (_label, task) => task(),
      publishFocusPresence: () => void presences.push(recording.presenceChildren()),
    },
    createLogger('test', { level: 'error', write: () => {} }),
    { pollMs: 20, ...opts },
  );
  const status = (children: Element[]) =>
    parseRecordingStatusPresence(xml('presence', {}, ...children), opts.mode ?? 'file');
  const published = () => presences.map((c) => status(c)?.status);
  return { bridge, colibri, recording, add, published, presences, status };
}

test('a moderator starts and stops the recording; the room sees each state; names go to the bridge', async () => {
  const { bridge, colibri, recording, add, published } = setup();
  const ann = add('aaaaaaaa', 'Ann', true);
  add('bbbbbbbb', 'Bob');
  await colibri.allocate('aaaaaaaa', { sources: noSources });
  assert.deepEqual(recording.presenceChildren(), [], 'nothing in the focus presence before a recording');
  assert.equal((await recording.handle(ann, 'start')).status, 'on');
  assert.deepEqual(bridge.conferences.get('m1')?.recording?.names, { aaaaaaaa: 'Ann', bbbbbbbb: 'Bob' });
  assert.equal((await recording.handle(ann, 'start')).status, 'on', 'a second start changes nothing');
  assert.equal((await recording.handle(ann, 'stop')).status, 'off');
  assert.deepEqual(published(), ['on', 'off']);
  assert.equal(recording.status.initiator, 'aaaaaaaa');
});

test('a non-moderator is refused with forbidden, and nothing starts', async () => {
  const { bridge, recording, add, published } = setup();
  const bob = add('bbbbbbbb', 'Bob');
  for (const who of [bob, undefined])
    await assert.rejects(
      recording.handle(who, 'start'),
      (e: unknown) => e instanceof ProtocolError && e.condition === 'forbidden' && /only a moderator/.test(e.message),
    );
  assert.equal(bridge.conferences.get('m1')?.recording?.on ?? false, false);
  assert.deepEqual(published(), []);
});

test('a recording the bridge stopped by itself (disk full) is announced with its reason', async () => {
  const { bridge, colibri, recording, add, presences, status } = setup();
  const ann = add('aaaaaaaa', 'Ann', true);
  await colibri.allocate('aaaaaaaa', { sources: noSources });
  await recording.handle(ann, 'start');
  // The bridge stops on its own, as its disk watch does.
  Object.assign(bridge.conferences.get('m1')!.recording!, { on: false, stopReason: 'disk-full' });
  for (const deadline = Date.now() + 5000; recording.status.status === 'on'; ) {
    assert.ok(Date.now() < deadline, 'the focus noticed within 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  const last = status(presences.at(-1)!);
  assert.equal(last?.status, 'off');
  assert.equal(last?.initiator, 'bridge');
  assert.equal(last?.failureReason, 'disk-full');
  recording.close();
});

const RTMP = 'rtmp://127.0.0.1:1935/live/stream-key-7';

test('live stream: a moderator starts it to an RTMP address; the room sees it in a presence of its own mode', async () => {
  const { bridge, colibri, recording, add, presences, status } = setup({ mode: 'stream' });
  const ann = add('aaaaaaaa', 'Ann', true);
  await colibri.allocate('aaaaaaaa', { sources: noSources });
  assert.equal((await recording.handle(ann, 'start', RTMP)).status, 'on');
  assert.equal(bridge.conferences.get('m1')?.stream?.url, RTMP, 'the bridge got the address');
  assert.equal(status(presences.at(-1)!)?.mode, 'stream');
  assert.equal(
    parseRecordingStatusPresence(xml('presence', {}, ...presences.at(-1)!), 'file'),
    undefined,
    'the file recording status is not confused with it',
  );
  assert.equal((await recording.handle(ann, 'stop')).status, 'off');
  assert.equal(bridge.conferences.get('m1')?.stream?.status.state, 'off');
});

test('live stream: a non-moderator is refused at the focus and nothing reaches the bridge', async () => {
  const { bridge, colibri, recording, add, published } = setup({ mode: 'stream' });
  add('aaaaaaaa', 'Ann', true);
  const bob = add('bbbbbbbb', 'Bob');
  await colibri.allocate('aaaaaaaa', { sources: noSources });
  await assert.rejects(
    recording.handle(bob, 'start', RTMP),
    (e: unknown) => e instanceof ProtocolError && e.condition === 'forbidden' && /live stream/.test(e.message),
  );
  assert.equal(bridge.conferences.get('m1')?.stream, undefined);
  assert.deepEqual(published(), []);
});

test('live stream: addresses outside the allow-list, or not rtmp, are refused naming the setting', async () => {
  const { bridge, colibri, recording, add } = setup({ mode: 'stream', allowedStreamHosts: ['live.example.org'] });
  const ann = add('aaaaaaaa', 'Ann', true);
  await colibri.allocate('aaaaaaaa', { sources: noSources });
  await assert.rejects(
    recording.handle(ann, 'start', RTMP),
    (e: unknown) =>
      e instanceof ProtocolError && e.condition === 'not-allowed' && /--stream-allowed-hosts/.test(e.message),
  );
  await assert.rejects(recording.handle(ann, 'start', 'http://live.example.org/x'), /rtmp/);
  await assert.rejects(recording.handle(ann, 'start'), /address/);
  assert.equal(bridge.conferences.get('m1')?.stream, undefined);
  assert.equal((await recording.handle(ann, 'start', 'rtmps://LIVE.example.org:443/app/k')).status, 'on');
  recording.close();
});

test('live stream: a failing push is published as pending with its reason, then as given up', async () => {
  const { bridge, colibri, recording, add, presences, status } = setup({ mode: 'stream' });
  const ann = add('aaaaaaaa', 'Ann', true);
  await colibri.allocate('aaaaaaaa', { sources: noSources });
  await recording.handle(ann, 'start', RTMP);
  const conf = bridge.conferences.get('m1')!;
  const until = async (what: string, cond: () => boolean) => {
    for (const deadline = Date.now() + 5000; !cond(); ) {
      assert.ok(Date.now() < deadline, `within 5 s: ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  conf.stream!.status = { state: 'pending', mode: 'stream', error: 'Connection refused', attempt: 1 };
  await until('pending published', () => status(presences.at(-1)!)?.status === 'pending');
  assert.equal(status(presences.at(-1)!)?.error, 'Connection refused');
  conf.stream!.status = { state: 'off', mode: 'stream', reason: 'stream-failed', error: 'Connection refused' };
  await until('off published', () => status(presences.at(-1)!)?.status === 'off');
  const last = status(presences.at(-1)!);
  assert.equal(last?.failureReason, 'stream-failed');
  assert.equal(last?.error, 'Connection refused');
  recording.close();
});
