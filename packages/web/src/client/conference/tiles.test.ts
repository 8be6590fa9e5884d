import { test } from 'node:test';
import assert from 'node:assert/strict';
import { participantPresenceChildren, parseXml, xml, type ParticipantInfo } from '@parley/protocol';
import { applyPresenceStanza, emptyRoom, type RoomModel } from './room.js';
import { audioOf, buildTiles, parseSourceName, receiverConstraints, videoTypeOf } from './tiles.js';

const ROOM = 'r@conference.x';
const [ME, A, B] = ['c3c3c3c3', 'a1a1a1a1', 'b2b2b2b2'];

function roomWith(...ps: [string, ParticipantInfo][]): RoomModel {
  let r = emptyRoom();
  for (const [nick, info] of ps)
    r = applyPresenceStanza(
      r,
      parseXml(xml('presence', { from: `${ROOM}/${nick}` }, participantPresenceChildren(info)).toString()),
      ME,
    ).room;
  return r;
}

test('source names and video types', () => {
  assert.deepEqual(parseSourceName('a1a1a1a1-v1'), { owner: A, media: 'video', index: 1 });
  assert.equal(parseSourceName('nonsense'), undefined);
  assert.equal(videoTypeOf(`${A}-v1`, {}), 'desktop');
  assert.equal(videoTypeOf(`${A}-v0`, {}), 'camera');
  assert.equal(videoTypeOf(`${A}-v0`, { [`${A}-v0`]: { muted: false, videoType: 'desktop' } }), 'desktop');
});

test('tiles: local camera, remote cameras in join order, then screens; muted -> null; leavers and orphans dropped', () => {
  const room = roomWith([B, { nick: 'Bob', videoMuted: true }], [A, { nick: 'Alice' }], ['focus', {}], ['Gajim', {}]);
  const remote = [
    { name: `${A}-v0`, media: 'video' as const, stream: 'A-cam' },
    { name: `${A}-v1`, media: 'video' as const, stream: 'A-screen' },
    { name: `${B}-v0`, media: 'video' as const, stream: 'B-cam' },
    { name: `${A}-a0`, media: 'audio' as const, stream: 'A-mic' },
    { name: 'deadbeef-v0', media: 'video' as const, stream: 'orphan' },
    { name: 'deadbeef-a0', media: 'audio' as const, stream: 'orphan-mic' },
  ];
  const tiles = buildTiles({ local: { id: ME, camera: 'me', screen: 'my-screen' }, room, remote });
  assert.deepEqual(
    tiles.map((t) => [t.key, t.participantId, t.videoType, t.stream, t.isLocal]),
    [
      [`${ME}-v0`, ME, 'camera', 'me', true],
      [`${B}-v0`, B, 'camera', null, false],
      [`${A}-v0`, A, 'camera', 'A-cam', false],
      [`${ME}-v1`, ME, 'desktop', 'my-screen', true],
      [`${A}-v1`, A, 'desktop', 'A-screen', false],
    ],
  );
  assert.deepEqual(audioOf({ room, remote }), { [`${A}-a0`]: 'A-mic' });
});

test('a participant without video gets an avatar tile; none before joining', () => {
  const room = roomWith([A, { nick: 'Alice' }]);
  assert.deepEqual(
    buildTiles({ room, remote: [] }).map((t) => [t.key, t.stream]),
    [[`${A}-v0`, null]],
  );
});

test('receiver constraints: only receivable sources; tile view 720p; stage view pinned or dominant at 720p, others 180p', () => {
  const room = roomWith([A, {}], [B, {}]);
  const tiles = buildTiles({
    local: { id: ME, camera: null, screen: null },
    room,
    remote: [
      { name: `${A}-v0`, media: 'video', stream: 1 },
      { name: `${B}-v0`, media: 'video', stream: 2 },
    ],
  });
  const both = [`${A}-v0`, `${B}-v0`];
  assert.deepEqual(receiverConstraints('tile', undefined, undefined, tiles, both), {
    colibriClass: 'ReceiverVideoConstraints',
    defaultConstraints: { maxHeight: 0 },
    constraints: { [`${A}-v0`]: { maxHeight: 720 }, [`${B}-v0`]: { maxHeight: 720 } },
  });
  assert.deepEqual(receiverConstraints('stage', undefined, B, tiles, both), {
    colibriClass: 'ReceiverVideoConstraints',
    defaultConstraints: { maxHeight: 0 },
    onStageSources: [`${B}-v0`],
    constraints: { [`${A}-v0`]: { maxHeight: 180 }, [`${B}-v0`]: { maxHeight: 720 } },
  });
  assert.deepEqual(receiverConstraints('stage', `${A}-v0`, B, tiles, both).onStageSources, [`${A}-v0`]);
  // B's source is in the room but our answer has not set up its m-line yet: not asked for, not even on stage.
  assert.deepEqual(receiverConstraints('stage', undefined, B, tiles, [`${A}-v0`]).constraints, {
    [`${A}-v0`]: { maxHeight: 180 },
  });
  assert.deepEqual(receiverConstraints('tile', undefined, undefined, tiles, []).constraints, {});
});
