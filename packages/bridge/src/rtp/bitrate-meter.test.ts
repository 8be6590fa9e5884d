import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitrateMeter } from './bitrate-meter.js';

test('measures the last second, forgets what is older, reads 0 for a silent layer', () => {
  const m = new BitrateMeter(0);
  assert.equal(m.bps(500), undefined, 'not measured during the first second');
  for (let t = 0; t < 2000; t += 10) m.record(125, t); // 125 B every 10 ms = 100 kbit/s
  assert.ok(Math.abs(m.bps(2000)! - 100_000) <= 1_000, `${m.bps(2000)}`);
  const half = m.bps(2500)!;
  assert.ok(half > 40_000 && half < 55_000, `half the window silent: ${half}`);
  assert.equal(m.bps(3100), 0, 'a second of silence');
  assert.equal(new BitrateMeter(0).bps(1500), 0, 'never sent anything for a whole second');
});
