import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectVideoSources, type VideoSourceInfo } from './video-selection.js';
import { DominantSpeaker } from './dominant-speaker.js';

const cams: VideoSourceInfo[] = ['a', 'b', 'c', 'd'].map((o) => ({ name: `${o}-v0`, owner: o, videoType: 'camera' }));

test('a receiver never gets its own video; everyone else is forwarded by default', () => {
  assert.deepEqual(selectVideoSources({ receiver: 'a', sources: cams, speakerOrder: [] }), ['b-v0', 'c-v0', 'd-v0']);
});

test('a source whose max height is 0 is not forwarded; the default constraint applies to the rest', () => {
  const constraints = { colibriClass: 'ReceiverVideoConstraints' as const, constraints: { 'c-v0': { maxHeight: 0 } } };
  assert.deepEqual(selectVideoSources({ receiver: 'a', sources: cams, constraints, speakerOrder: [] }), [
    'b-v0',
    'd-v0',
  ]);
  const none = {
    colibriClass: 'ReceiverVideoConstraints' as const,
    defaultConstraints: { maxHeight: 0 },
    constraints: { 'd-v0': { maxHeight: 180 } },
  };
  assert.deepEqual(selectVideoSources({ receiver: 'a', sources: cams, constraints: none, speakerOrder: [] }), ['d-v0']);
});

test('last-N keeps on-stage, then selected, then screen shares, then the most recent speakers', () => {
  const sources = [...cams, { name: 'c-v1', owner: 'c', videoType: 'desktop' as const }];
  const order = ['d', 'b', 'c'];
  assert.deepEqual(
    selectVideoSources({
      receiver: 'a',
      sources,
      constraints: { colibriClass: 'ReceiverVideoConstraints', lastN: 2 },
      speakerOrder: order,
    }),
    ['c-v1', 'd-v0'],
  );
  assert.deepEqual(
    selectVideoSources({
      receiver: 'a',
      sources,
      constraints: { colibriClass: 'ReceiverVideoConstraints', lastN: 2, onStageSources: ['b-v0'] },
      speakerOrder: order,
    }),
    ['b-v0', 'c-v1'],
  );
  assert.deepEqual(
    selectVideoSources({
      receiver: 'a',
      sources,
      constraints: { colibriClass: 'ReceiverVideoConstraints', lastN: 0 },
      speakerOrder: order,
    }),
    [],
  );
  assert.deepEqual(selectVideoSources({ receiver: 'a', sources, speakerOrder: order, bridgeLastN: 1 }), ['c-v1']);
});

test('the dominant speaker changes only after someone else clearly leads for a while', () => {
  const ds = new DominantSpeaker({ holdMs: 600 });
  let t = 0;
  const feed = (id: string, level: number, ms: number) => {
    const changes: string[] = [];
    for (const end = t + ms; t < end; t += 20) {
      const c = ds.update(id, level, false, t);
      if (c) changes.push(c);
    }
    return changes;
  };
  assert.deepEqual(feed('a', 30, 1000), ['a']);
  // b coughs for 200 ms while a is quiet: no switch.
  for (let i = 0; i < 10; i++) {
    ds.update('a', 127, false, t);
    ds.update('b', 30, false, t);
    t += 20;
  }
  assert.equal(ds.dominant, 'a');
  // b talks for two seconds while a is silent: b takes over.
  const changes: string[] = [];
  for (let i = 0; i < 100; i++) {
    ds.update('a', 127, false, t);
    const c = ds.update('b', 25, false, t);
    if (c) changes.push(c);
    t += 20;
  }
  assert.deepEqual(changes, ['b']);
  assert.deepEqual(ds.order, ['b', 'a']);
  assert.equal(ds.remove('b'), 'a', 'when the speaker leaves, the previous one takes over');
});
