import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BridgeStats } from '@parley/protocol';
import { selectBridge, type KnownBridge } from './brewery.js';

const stats = (s: Partial<BridgeStats>): BridgeStats => ({
  stress: 0,
  conferences: 0,
  endpoints: 0,
  packetRateDown: 0,
  packetRateUp: 0,
  draining: false,
  healthy: true,
  ...s,
});
const bridge = (id: string, s: Partial<BridgeStats>): KnownBridge => ({
  id,
  jid: `${id}@auth.x/r`,
  stats: stats(s),
  lastSeen: 0,
});

test('picks the least stressed healthy bridge that is not draining', () => {
  const bridges = [
    bridge('a', { stress: 0.5 }),
    bridge('b', { stress: 0.1, healthy: false }),
    bridge('c', { stress: 0.2 }),
    bridge('d', { stress: 0.05, draining: true }),
  ];
  assert.equal(selectBridge(bridges)?.id, 'c');
  assert.equal(selectBridge(bridges, new Set(['c']))?.id, 'a');
  assert.equal(selectBridge([bridge('b', { healthy: false })]), undefined);
});

test('ties go to fewer endpoints, then to the smaller id', () => {
  assert.equal(selectBridge([bridge('b', { endpoints: 3 }), bridge('a', { endpoints: 4 })])?.id, 'b');
  assert.equal(selectBridge([bridge('b', {}), bridge('a', {})])?.id, 'a');
});
