import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embedEvents, type EmbedSnapshot } from './events.js';
import { hashFor, parseHashConfig } from './hash-config.js';

test('the iframe fragment carries name, mute and prejoin choices both ways, in Jitsi format', () => {
  const c = { displayName: 'Ann & "Bo"', startAudioMuted: true, startVideoMuted: false, prejoin: false };
  assert.deepEqual(parseHashConfig(hashFor(c)), c);
  // What Jitsi's own external_api.js writes.
  assert.deepEqual(parseHashConfig('#config.startWithAudioMuted=true&userInfo.displayName=%22Ann%22'), {
    startAudioMuted: true,
    displayName: 'Ann',
  });
  // Junk is ignored, not thrown.
  assert.deepEqual(parseHashConfig('#config.startWithAudioMuted=yes&=x&userInfo.displayName=%7B&foo'), {});
  assert.deepEqual(parseHashConfig('#userInfo.displayName=3'), {}, 'a name must be a string');
  assert.equal(
    parseHashConfig(`#userInfo.displayName=${encodeURIComponent(JSON.stringify('x'.repeat(500)))}`).displayName?.length,
    100,
  );
});

const me = { id: 'aaaaaaaa', displayName: 'Me', isLocal: true };
const bob = { id: 'bbbbbbbb', displayName: 'Bob', isLocal: false };
const base: EmbedSnapshot = {
  phase: 'prejoin',
  room: 'standup',
  displayName: 'Me',
  audioMuted: false,
  videoMuted: false,
  participants: {},
  chat: [],
};
const names = (a: EmbedSnapshot, b: EmbedSnapshot) => embedEvents(a, b).map((e) => e.name);

test("a meeting's life as the embedding page hears it", () => {
  const joined: EmbedSnapshot = { ...base, phase: 'in-meeting', localId: me.id, participants: { [me.id]: me } };
  assert.deepEqual(embedEvents(base, joined), [
    { name: 'videoConferenceJoined', data: { roomName: 'standup', id: me.id, displayName: 'Me' } },
  ]);
  const withBob = { ...joined, participants: { [me.id]: me, [bob.id]: bob } };
  assert.deepEqual(embedEvents(joined, withBob), [
    { name: 'participantJoined', data: { id: bob.id, displayName: 'Bob' } },
  ]);
  const renamed = { ...withBob, participants: { [me.id]: me, [bob.id]: { ...bob, displayName: 'Robert' } } };
  assert.deepEqual(names(withBob, renamed), ['displayNameChange']);
  assert.deepEqual(embedEvents(withBob, { ...withBob, audioMuted: true }), [
    { name: 'audioMuteStatusChanged', data: { muted: true } },
  ]);
  assert.deepEqual(names(withBob, { ...withBob, videoMuted: true }), ['videoMuteStatusChanged']);
  const said = { ...withBob, chat: [{ id: '1', from: bob.id, displayName: 'Bob', text: 'hi', mine: false }] };
  assert.deepEqual(embedEvents(withBob, said), [
    { name: 'incomingMessage', data: { from: bob.id, nick: 'Bob', message: 'hi', privateMessage: false } },
  ]);
  const mine = { ...said, chat: [...said.chat, { id: '2', from: me.id, displayName: 'Me', text: 'yo', mine: true }] };
  assert.deepEqual(names(said, mine), [], 'our own message is not an incoming one');
  assert.deepEqual(names(withBob, joined), ['participantLeft']);
  assert.deepEqual(names(joined, { ...joined, phase: 'left' }), ['videoConferenceLeft', 'readyToClose']);
  assert.deepEqual(names(base, { ...base, audioMuted: true }), [], 'mute in prejoin is not a meeting event');
});
