import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { initialState, isTerminal, reduce } from './state.js';

const fresh = () => initialState('standup', 'Ada');

test('a new store is on the prejoin screen with nothing joined', () => {
  const s = fresh();
  assert.equal(s.phase, 'prejoin');
  assert.equal(s.displayName, 'Ada');
  assert.deepEqual(s.tiles, []);
  assert.equal(isTerminal(s), false);
});

test('opening the chat marks it read; closing keeps the unread count', () => {
  const unread = reduce(fresh(), { type: 'patch', patch: { unreadChat: 3 } });
  const open = reduce(unread, { type: 'chat-open', open: true });
  assert.equal(open.chatOpen, true);
  assert.equal(open.unreadChat, 0);
  const closed = reduce({ ...unread, chatOpen: true }, { type: 'chat-open', open: false });
  assert.equal(closed.chatOpen, false);
  assert.equal(closed.unreadChat, 3);
});

test('pinning a tile shows the stage; unpinning keeps the view', () => {
  const pinned = reduce(fresh(), { type: 'pin', tileKey: 'abc:camera' });
  assert.equal(pinned.pinned, 'abc:camera');
  assert.equal(pinned.view, 'stage');
  const unpinned = reduce(pinned, { type: 'pin', tileKey: undefined });
  assert.equal(unpinned.pinned, undefined);
  assert.equal(unpinned.view, 'stage');
  assert.equal(reduce(unpinned, { type: 'view', view: 'tile' }).view, 'tile');
});

test('a fatal error is terminal; no-devices lets the user retry', () => {
  const reconnecting = reduce(fresh(), { type: 'patch', patch: { phase: 'in-meeting', reconnecting: true } });
  const failed = reduce(reconnecting, { type: 'failed', error: { kind: 'media-failed', detail: 'ICE failed' } });
  assert.equal(failed.phase, 'error');
  assert.equal(failed.reconnecting, false);
  assert.equal(isTerminal(failed), true);
  const noCam = reduce(fresh(), { type: 'failed', error: { kind: 'no-devices', detail: 'no camera' } });
  assert.equal(isTerminal(noCam), false);
  assert.equal(isTerminal(reduce(fresh(), { type: 'patch', patch: { phase: 'left' } })), true);
});

test('the reducer does not change the state it is given', () => {
  const s = fresh();
  const before = JSON.stringify(s);
  reduce(s, { type: 'participants-open', open: true });
  reduce(s, { type: 'failed', error: { kind: 'media-failed', detail: 'x' } });
  assert.equal(JSON.stringify(s), before);
});

test('join clears an earlier device error; leaving empties the meeting and is terminal', () => {
  const noCam = reduce(fresh(), { type: 'failed', error: { kind: 'no-devices', detail: 'no camera' } });
  const joining = reduce(noCam, { type: 'joining', displayName: 'Ada L.', audioMuted: true, videoMuted: false });
  assert.equal(joining.phase, 'joining');
  assert.equal(joining.error, undefined);
  assert.equal(joining.displayName, 'Ada L.');
  assert.equal(joining.audioMuted, true);
  const meeting = reduce(joining, {
    type: 'patch',
    patch: { phase: 'in-meeting', micLevel: 0.5, screenSharing: true },
  });
  const left = reduce(meeting, { type: 'left' });
  assert.equal(left.phase, 'left');
  assert.equal(left.micLevel, 0);
  assert.equal(left.screenSharing, false);
  assert.equal(isTerminal(left), true);
});

test('a working preview ends a device error and changes nothing otherwise', () => {
  const denied = reduce(fresh(), { type: 'failed', error: { kind: 'permission-denied' } });
  assert.equal(reduce(denied, { type: 'preview-ready' }).phase, 'prejoin');
  const s = fresh();
  assert.equal(reduce(s, { type: 'preview-ready' }), s);
});

test('chat: a message from another counts as unread while the chat is closed; a repeat is dropped', () => {
  const message = { id: 'm1', from: 'b0b0b0b0', displayName: 'Bo', text: 'hi', at: 1, mine: false };
  const one = reduce(fresh(), { type: 'chat', incoming: { message, history: false } });
  assert.equal(one.chat.length, 1);
  assert.equal(one.unreadChat, 1);
  assert.equal(reduce(one, { type: 'chat', incoming: { message, history: false } }), one);
  const mine = { ...message, id: 'm2', from: 'a0a0a0a0', mine: true };
  assert.equal(reduce(one, { type: 'chat', incoming: { message: mine, history: false } }).unreadChat, 1);
});
