// The conference store without a browser: a scripted XMPP connection (fake-store-env.ts) plays the
// focus and the MUC room, and the tests check what a user would see (phase, participants, chat,
// error screen) and what the store sends (conference request, presence, messages).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  accessRefusalText,
  MUC_NS,
  parseConferenceRequest,
  parseParticipantPresence,
  participantPresenceChildren,
  xml,
  type Element,
} from '@parley/protocol';
import { CONFIG, FakeStream, FakeTrack, fakeEnv, ROOM_JID, stateWhere } from './fake-store-env.js';
import { createConferenceStore } from './store.js';

const JOIN = { displayName: 'Ada', startAudioMuted: false, startVideoMuted: false };

/** A store that joined without devices and is in the meeting. */
async function inMeeting(env = fakeEnv()) {
  const store = createConferenceStore(CONFIG, 'standup', env.env);
  await store.actions.join({ ...JOIN, withoutDevices: true });
  const x = env.connections[0];
  x.reflectJoin();
  await stateWhere(store, 'in the meeting', (s) => s.phase === 'in-meeting');
  return { store, x, me: store.getState().localId! };
}

const presences = (sent: Element[], to: string) => sent.filter((el) => el.name === 'presence' && el.attrs.to === to);

test('join without devices: conference request to the focus, MUC join presence, then in the meeting', async () => {
  const env = fakeEnv();
  const store = createConferenceStore(CONFIG, 'standup', env.env);
  await store.actions.join({ ...JOIN, withoutDevices: true });
  assert.equal(store.getState().phase, 'joining', 'waiting for the room to let us in');
  const x = env.connections[0];
  assert.equal(x.opts.service, 'wss://meet.example/xmpp-websocket', 'the WebSocket of the page origin');
  assert.equal(x.requests[0].attrs.to, CONFIG.focusJid);
  assert.equal(parseConferenceRequest(x.requests[0]).room, ROOM_JID);

  const join = x.joinPresence();
  assert.ok(join, 'a MUC join presence');
  assert.match(String(join.attrs.to), new RegExp(`^${ROOM_JID}/[0-9a-f]{8}$`), 'nick: our endpoint id');
  const p = parseParticipantPresence(join);
  assert.equal(p.nick, 'Ada');
  assert.equal(p.audioMuted, true, 'no microphone: muted');
  assert.equal(p.videoMuted, true, 'no camera: muted');

  x.reflectJoin();
  const s = await stateWhere(store, 'in the meeting', (s) => s.phase === 'in-meeting');
  const me = s.participants[s.localId!];
  assert.equal(me.displayName, 'Ada');
  assert.equal(me.isLocal, true);
});

test('others in the room appear as participants, and go when they leave', async () => {
  const { store, x } = await inMeeting();
  const bo = `${ROOM_JID}/b0b0b0b0`;
  x.deliver(xml('presence', { from: bo }, ...participantPresenceChildren({ nick: 'Bo', audioMuted: true })));
  const s = await stateWhere(store, 'Bo appears', (s) => 'b0b0b0b0' in s.participants);
  assert.equal(s.participants.b0b0b0b0.displayName, 'Bo');
  assert.equal(s.participants.b0b0b0b0.audioMuted, true);
  x.deliver(xml('presence', { from: bo, type: 'unavailable' }));
  await stateWhere(store, 'Bo leaves', (s) => !('b0b0b0b0' in s.participants));
});

test('a refused conference request ends on the error screen with the reason', async () => {
  // As @xmpp/client rejects: a StanzaError with the condition as message and the focus's text.
  const refusal = (condition: string, text?: string) => async () => {
    throw Object.assign(new Error(condition), { name: 'StanzaError', condition, text });
  };
  const expired = accessRefusalText('token-expired', 'the invite link has expired');
  const denied = fakeEnv({ answer: refusal('forbidden', expired) });
  const store = createConferenceStore(CONFIG, 'standup', denied.env);
  await store.actions.join({ ...JOIN, withoutDevices: true });
  assert.equal(store.getState().phase, 'error');
  assert.equal(store.getState().error?.kind, 'access-denied');
  assert.equal(store.getState().error?.reason, 'token-expired');
  assert.equal(denied.connections[0].stopped, true, 'the connection is closed');
  assert.equal(denied.connections[0].joinPresence(), undefined, 'never joined the room');

  const refused = fakeEnv({ answer: refusal('service-unavailable') });
  const other = createConferenceStore(CONFIG, 'standup', refused.env);
  await other.actions.join({ ...JOIN, withoutDevices: true });
  const error = other.getState().error;
  assert.equal(error?.kind, 'signaling-failed');
  assert.match(
    error?.detail ?? '',
    /the focus focus\.meet\.example refused the conference request: .*service-unavailable/,
  );
  assert.equal(error?.url, 'wss://meet.example/xmpp-websocket');
});

test('leave: unavailable presence to the room, the connection closed, the left screen', async () => {
  const { store, x, me } = await inMeeting();
  await store.actions.leave();
  const occupant = `${ROOM_JID}/${me}`;
  const last = presences(x.sent, occupant).at(-1);
  assert.equal(last?.attrs.type, 'unavailable');
  assert.equal(x.stopped, true);
  const s = store.getState();
  assert.equal(s.phase, 'left');
  assert.deepEqual(s.tiles, []);
  // Our own goodbye reflected by the room is no error.
  x.deliver(xml('presence', { from: occupant, type: 'unavailable' }));
  await new Promise((r) => setImmediate(r));
  assert.equal(store.getState().phase, 'left');
});

test('chat: a sent message appears once the room reflects it; a private one at once', async () => {
  const { store, x } = await inMeeting();
  store.actions.sendChat('  hello all  ');
  const group = await stateWhere(store, 'own message shown', (s) => s.chat.length === 1);
  assert.deepEqual(
    group.chat.map((m) => [m.text, m.mine, m.privateWith]),
    [['hello all', true, undefined]],
  );
  assert.equal(group.unreadChat, 0, 'our own message is not unread');

  store.actions.sendChat('psst', 'b0b0b0b0');
  const priv = x.sent.find((el) => el.name === 'message' && el.attrs.type === 'chat');
  assert.equal(priv?.attrs.to, `${ROOM_JID}/b0b0b0b0`);
  assert.deepEqual(store.getState().chat.at(-1)?.privateWith, 'b0b0b0b0');

  x.deliver(xml('message', { type: 'groupchat', from: `${ROOM_JID}/b0b0b0b0`, id: 'm1' }, xml('body', {}, 'hi Ada')));
  const unread = await stateWhere(store, "Bo's message", (s) => s.chat.length === 3);
  assert.equal(unread.unreadChat, 1, 'the chat is closed: one unread');
  store.actions.setChatOpen(true);
  assert.equal(store.getState().unreadChat, 0);
  store.actions.sendChat('   ');
  assert.equal(x.sent.filter((el) => el.name === 'message').length, 2, 'an empty message is not sent');
});

test('raise hand and mute: our presence and our participant say so', async () => {
  const env = fakeEnv();
  const store = createConferenceStore(CONFIG, 'standup', env.env);
  await store.actions.join(JOIN); // the preview's microphone (no camera)
  const x = env.connections[0];
  x.reflectJoin();
  await stateWhere(store, 'in the meeting', (s) => s.phase === 'in-meeting');
  const me = store.getState().localId!;
  const occupant = `${ROOM_JID}/${me}`;

  store.actions.toggleRaiseHand();
  assert.ok(store.getState().participants[me].raisedHand, 'our hand is up on our tile');
  assert.ok(parseParticipantPresence(presences(x.sent, occupant).at(-1)!).raisedHand, 'presence says so');

  assert.equal(store.getState().audioMuted, false);
  store.actions.toggleAudio();
  await stateWhere(store, 'muted', (s) => s.audioMuted);
  const mic = store.getState().localStream!.getAudioTracks()[0];
  assert.equal(mic.enabled, false, 'the microphone sends nothing');
  assert.equal(parseParticipantPresence(presences(x.sent, occupant).at(-1)!).audioMuted, true);
});

test('screen share: a screen tile and a desktop source in our presence, until the browser ends it', async () => {
  const screen = new FakeTrack('video', 'screen');
  const { store, x, me } = await inMeeting(fakeEnv({ getDisplayMedia: async () => new FakeStream([screen]) }));
  const occupant = `${ROOM_JID}/${me}`;
  const desktop = () => parseParticipantPresence(presences(x.sent, occupant).at(-1)!).sourceInfo?.[`${me}-v1`];
  const screenTile = () => store.getState().tiles.find((t) => t.isLocal && t.videoType === 'desktop');

  await store.actions.toggleScreenShare();
  assert.equal(store.getState().screenSharing, true);
  assert.ok(screenTile(), 'our screen is a tile');
  assert.deepEqual(desktop(), { muted: false, videoType: 'desktop' });

  screen.end(); // the browser's own "stop sharing" button
  await stateWhere(store, 'the share ends', (s) => !s.screenSharing);
  assert.equal(screenTile(), undefined);
  assert.equal(desktop(), undefined, 'presence no longer has the desktop source');

  await store.actions.toggleScreenShare();
  assert.equal(store.getState().screenSharing, true, 'shared again');
  await store.actions.toggleScreenShare();
  assert.equal(store.getState().screenSharing, false, 'and stopped from the toolbar');
});

test('the preview: camera and microphone with their devices; a refusal can be retried', async () => {
  let allow = false;
  const env = fakeEnv({
    getUserMedia: async () => {
      if (!allow) throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
      return new FakeStream([new FakeTrack('audio', 'mic-1'), new FakeTrack('video', 'cam-1')]);
    },
  });
  const store = createConferenceStore(CONFIG, 'standup', env.env);
  await store.actions.startPreview();
  assert.equal(store.getState().error?.kind, 'permission-denied');
  allow = true;
  await store.actions.startPreview();
  const s = store.getState();
  assert.equal(s.phase, 'prejoin', 'the error is gone');
  assert.equal(s.localStream?.getTracks().length, 2);
  assert.equal(s.devices.videoInputId, 'cam-1');
  assert.deepEqual(
    s.devices.audioInputs.map((d) => d.label),
    ['Microphone'],
  );
});

test('an insecure page shows the insecure-context error and connects nowhere', async () => {
  const env = fakeEnv({ secure: false });
  const store = createConferenceStore(CONFIG, 'standup', env.env);
  await store.actions.startPreview();
  const s = store.getState();
  assert.equal(s.phase, 'error');
  assert.equal(s.error?.kind, 'insecure-context');
  assert.equal(s.error?.detail, 'http://meet.example is not a secure context');
  await store.actions.join(JOIN);
  assert.equal(env.connections.length, 0);
});

test('a dropped connection: reconnecting, then the room is joined again with the same nick', async () => {
  const { store, x, me } = await inMeeting();
  x.handlers.disconnected('network');
  assert.equal(store.getState().reconnecting, true);
  assert.equal(store.getState().phase, 'in-meeting', 'the meeting stays on screen');
  const joins = () => x.sent.filter((el) => el.getChild('x', MUC_NS)).length;
  x.handlers.online('guest-1@meet.example/web2');
  await x.waitFor('a second conference request', () => x.requests.length === 2);
  await x.waitFor('a second join presence', () => joins() === 2);
  assert.equal(store.getState().reconnecting, false);
  assert.equal(x.joinPresence()?.attrs.to, `${ROOM_JID}/${me}`);
});
