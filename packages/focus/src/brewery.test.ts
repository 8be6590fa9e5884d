import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BridgeStats } from '@parley/protocol';
import { breweryOccupantProblem, selectBridge, statsProblem, type KnownBridge } from './brewery.js';

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

test('only the bridges account, any resource, counts as a bridge', () => {
  const account = 'jvb@auth.meet.test';
  assert.equal(breweryOccupantProblem('jvb@auth.meet.test/jvb-1', account), undefined);
  assert.equal(breweryOccupantProblem('JVB@auth.meet.test/other', account), undefined);
  assert.match(
    breweryOccupantProblem('a1b2c3@meet.test/x', account) ?? '',
    /a1b2c3@meet\.test is not the bridges' account/,
  );
  assert.match(breweryOccupantProblem('focus@auth.meet.test/f', account) ?? '', /not the bridges' account/);
  assert.match(breweryOccupantProblem('jvb@meet.test/r', account) ?? '', /not the bridges' account/);
  assert.match(breweryOccupantProblem(undefined, account) ?? '', /no real JID/);
});

test('impossible stats are named; plausible ones pass', () => {
  assert.equal(statsProblem(stats({ stress: 0.3, endpoints: 12, conferences: 2, packetRateUp: 5000 })), undefined);
  assert.equal(statsProblem(stats({ stress: 1.7 })), undefined, 'an overloaded bridge may exceed 1');
  const cases: [Partial<BridgeStats>, RegExp][] = [
    [{ stress: -1 }, /stress_level -1 is negative/],
    [{ stress: Number.NaN }, /stress_level NaN is not a finite number/],
    [{ stress: Number.POSITIVE_INFINITY }, /stress_level Infinity is not a finite number/],
    [{ stress: 1e6 }, /stress_level 1000000 is above 1000/],
    [{ endpoints: -3 }, /participants -3 is negative/],
    [{ endpoints: 2.5 }, /participants 2.5 is not a whole number/],
    [{ conferences: 1e12 }, /conferences 1000000000000 is above/],
    [{ packetRateDown: -1 }, /packet_rate_download -1 is negative/],
  ];
  for (const [s, problem] of cases) assert.match(statsProblem(stats(s)) ?? '(none)', problem, JSON.stringify(s));
});
