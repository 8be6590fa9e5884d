import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecordingStatusPresence, ProtocolError, xml, type Element } from '@parley/protocol';
import { createLogger } from '@parley/service';
import { FakeBridgeClient } from './fake-bridge-client.js';
import { noSources } from './sources.js';
import { Participant } from './participant.js';
import { ConferenceRecording } from './recording.js';

const ROOM = 'r@conference.example';

function setup() {
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
  const recording = new ConferenceRecording(
    {
      participants,
      colibri: () => colibri,
      run: async (_label, task) => task(),
      publishFocusPresence: (children) => void presences.push(children),
    },
    createLogger('test', { level: 'error', write: () => {} }),
    20,
  );
  const status = (children: Element[]) => parseRecordingStatusPresence(xml('presence', {}, ...children));
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
  assert.deepEqual(last, { status: 'off', initiator: 'bridge', failureReason: 'disk-full' });
  recording.close();
});
