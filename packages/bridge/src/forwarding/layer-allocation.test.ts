import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateLayers, assumedHeight, neededLayer, type SourceDemand } from './layer-allocation.js';

const layers = (bitrates: (number | undefined)[] = [150e3, 500e3, 1.5e6]) =>
  bitrates.map((bitrateBps, i) => ({ height: assumedHeight(i), bitrateBps }));
const src = (name: string, maxHeight: number, l = layers()): SourceDemand => ({ name, maxHeight, layers: l });
const obj = (m: Map<string, number>) => Object.fromEntries(m);

test('assumed heights by index are 180/360/720', () => {
  assert.deepEqual([0, 1, 2].map(assumedHeight), [180, 360, 720]);
});

test('the needed layer is the highest whose height fits maxHeight', () => {
  assert.equal(neededLayer(src('a', 720)), 2);
  assert.equal(neededLayer(src('a', 719)), 1);
  assert.equal(neededLayer(src('a', 360)), 1);
  assert.equal(neededLayer(src('a', 180)), 0);
  assert.equal(neededLayer(src('a', 90)), 0, 'a tile smaller than the lowest layer still gets the lowest');
  assert.equal(neededLayer(src('a', 0)), -1, 'maxHeight 0: not wanted');
  assert.equal(neededLayer(src('a', 2160, layers([150e3, 500e3, 0]))), 1, 'a stopped layer is skipped');
  assert.equal(neededLayer(src('a', 2160, [{ height: 270 }])), 0, 'one layer (no simulcast)');
});

test('without an estimate every source gets what its tile needs', () => {
  assert.deepEqual(obj(allocateLayers([src('stage', 720), src('t1', 180), src('t2', 360), src('off', 0)])), {
    stage: 2,
    t1: 0,
    t2: 1,
    off: -1,
  });
});

test('a short estimate gives everyone the low layer first, then upgrades in rank order', () => {
  const s = [src('stage', 720), src('t1', 360), src('t2', 360)];
  // 3 x 150k = 450k; the 700k left buys stage 360p (+350k, not 720p: +1350k), then t1 360p (+350k).
  assert.deepEqual(obj(allocateLayers(s, 1_150_000)), { stage: 1, t1: 1, t2: 0 });
  assert.deepEqual(obj(allocateLayers(s, 1_000_000)), { stage: 1, t1: 0, t2: 0 });
  assert.deepEqual(obj(allocateLayers(s, 600_000)), { stage: 0, t1: 0, t2: 0 });
  assert.deepEqual(obj(allocateLayers(s, 2_500_000)), { stage: 2, t1: 1, t2: 1 });
});

test('when even the low layers do not fit, the lowest-ranked sources are paused', () => {
  assert.deepEqual(obj(allocateLayers([src('a', 720), src('b', 720), src('c', 720)], 320_000)), {
    a: 0,
    b: 0,
    c: -1,
  });
  assert.deepEqual(obj(allocateLayers([src('a', 720)], 0)), { a: -1 });
});

test('measured bitrates are what the estimate is spent on; unmeasured layers use assumed ones', () => {
  const cheap = layers([50e3, 100e3, 200e3]);
  assert.deepEqual(obj(allocateLayers([src('a', 720, cheap), src('b', 720, cheap)], 400_000)), { a: 2, b: 2 });
  const unknown = layers([undefined, undefined, undefined]);
  assert.deepEqual(obj(allocateLayers([src('a', 720, unknown)], 1_000_000)), { a: 1 });
});
