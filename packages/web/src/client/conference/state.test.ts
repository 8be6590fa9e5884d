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
