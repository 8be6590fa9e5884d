import { test } from 'node:test';
import assert from 'node:assert/strict';
import { junkBytes, mutateBytes, parseSeeds, prng } from './fuzz.js';

test('junkBytes and mutateBytes: the same seed gives the same bytes', () => {
  const run = (seed: number) => {
    const rnd = prng(seed);
    return Array.from({ length: 50 }, () => mutateBytes(junkBytes(rnd, 40), rnd, 4));
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

test('mutateBytes keeps the first `keep` bytes, leaves its input alone and changes something', () => {
  const rnd = prng(1);
  const input = junkBytes(rnd, 64);
  const copy = Uint8Array.from(input);
  let changed = 0;
  for (let i = 0; i < 500; i++) {
    const out = mutateBytes(input, rnd, 12);
    assert.deepEqual(out.subarray(0, 12), input.subarray(0, 12));
    if (out.length !== input.length || out.some((b, j) => b !== input[j])) changed++;
  }
  assert.deepEqual(input, copy);
  assert.ok(changed > 450, `most mutations change the packet (${changed} of 500)`);
});

test('parseSeeds: single seeds, lists and ranges; a bad list is named', () => {
  assert.deepEqual(parseSeeds('3,5-7'), [3, 5, 6, 7]);
  assert.equal(parseSeeds(''), undefined);
  assert.throws(() => parseSeeds('x'), /bad seed list "x"/);
});
