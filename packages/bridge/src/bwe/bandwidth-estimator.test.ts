// The estimator against a simulated bottleneck (simulated-link.ts): convergence, a drop in capacity,
// recovery, loss, and probing. Every run is seeded (BWE_SEED replays one); nothing here reads a clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedLink } from './simulated-link.js';
import { DelayDetector } from './delay-detector.js';
import { BandwidthEstimator } from './bandwidth-estimator.js';
import { probeRate } from './prober.js';

const SEEDS = process.env.BWE_SEED ? [Number(process.env.BWE_SEED)] : [1, 2, 3];
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const kbps = (bps: number): string => `${Math.round(bps / 1000)} kbit/s`;

function assertNear(values: number[], capacity: number, what: string, seed: number): void {
  const m = mean(values);
  assert.ok(values.length > 0, `${what}: no samples`);
  assert.ok(
    m > 0.7 * capacity && m < 1.3 * capacity,
    `${what}: mean estimate ${kbps(m)} is not within 30 % of ${kbps(capacity)} (seed ${seed}, BWE_SEED to replay)`,
  );
}

for (const seed of SEEDS) {
  test(`converges to the capacity, follows it down and climbs back (seed ${seed})`, () => {
    const link = new SimulatedLink({
      seed,
      capacity: [
        [0, 2_500_000],
        [40_000, 600_000],
        [70_000, 2_500_000],
      ],
      media: 'estimate',
    });
    link.run(110_000);
    // From 1 Mbit/s, 8 %/s: about 12 s to reach the capacity; then the AIMD sawtooth around it.
    assertNear(link.between(20_000, 40_000), 2_500_000, 'before the drop', seed);
    const afterDrop = link.between(45_000, 70_000);
    assertNear(afterDrop, 600_000, 'after the drop to 600 kbit/s', seed);
    assert.ok(Math.max(...afterDrop) < 1.3 * 600_000, `an estimate of ${kbps(Math.max(...afterDrop))} after the drop`);
    // Back up: near the old capacity additively, then multiplicatively; bounded at 30 s.
    assertNear(link.between(100_000, 110_000), 2_500_000, 'after the capacity came back', seed);
  });
}

test('the drop is seen within two seconds of simulated time', () => {
  const link = new SimulatedLink({
    seed: 7,
    capacity: [
      [0, 2_000_000],
      [30_000, 500_000],
    ],
    media: 'estimate',
  });
  link.run(32_000);
  const late = link.between(31_500, 32_000);
  assert.ok(Math.max(...late) < 650_000, `still ${kbps(Math.max(...late))} two seconds after the drop`);
});

test('heavy loss (20 %) lowers the estimate; light loss (1 %) lets it grow', () => {
  const lossy = new SimulatedLink({ seed: 4, capacity: [[0, 50_000_000]], loss: 0.2, media: 'estimate' });
  lossy.run(20_000);
  assert.ok(lossy.estimator.estimateBps < 300_000, `20 % loss: ${kbps(lossy.estimator.estimateBps)}`);
  assert.ok(lossy.estimator.state.lossFraction > 0.1);
  const light = new SimulatedLink({ seed: 4, capacity: [[0, 50_000_000]], loss: 0.01, media: 'estimate' });
  light.run(20_000);
  assert.ok(light.estimator.estimateBps > 2_000_000, `1 % loss: ${kbps(light.estimator.estimateBps)}`);
});

test('probing: with little media the estimate only climbs when more is wanted, and stops at the capacity', () => {
  const plan = { seed: 5, capacity: [[0, 1_500_000]] as Array<[number, number]>, media: 300_000 };
  const idle = new SimulatedLink({ ...plan, estimator: { initialBps: 300_000 } });
  idle.run(40_000);
  // GCC never claims more than 1.5 x what was acknowledged.
  assert.ok(idle.estimator.estimateBps < 500_000, `without probing: ${kbps(idle.estimator.estimateBps)}`);
  const probed = new SimulatedLink({ ...plan, wantedBps: 3_000_000, estimator: { initialBps: 300_000 } });
  probed.run(40_000);
  assertNear(probed.between(30_000, 40_000), 1_500_000, 'with probing', 5);
});

test('probe rate: only when more is wanted than the estimate, never past the estimate or when congested', () => {
  const base = { estimateBps: 1_000_000, wantedBps: 3_000_000, mediaBps: 400_000, congested: false };
  assert.equal(probeRate(base), 600_000);
  assert.equal(probeRate({ ...base, wantedBps: 900_000 }), 0);
  assert.equal(probeRate({ ...base, wantedBps: undefined }), 0);
  assert.equal(probeRate({ ...base, estimateBps: undefined }), 0);
  assert.equal(probeRate({ ...base, congested: true }), 0);
  assert.equal(probeRate({ ...base, mediaBps: 1_200_000 }), 0);
  assert.equal(probeRate({ ...base, estimateBps: 40_000_000, wantedBps: 50_000_000 }), 2_000_000);
});

test('delay detector: steady delay is normal, a growing queue is overuse, a draining one underuse', () => {
  const run = (delayPerGroupMs: number): string[] => {
    const d = new DelayDetector();
    const states = new Set<string>();
    for (let i = 0; i < 200; i++) states.add(d.onPacket(i * 10, i * 10 + 50 + Math.max(-40, i * delayPerGroupMs)));
    return [...states];
  };
  assert.deepEqual(run(0), ['normal']);
  assert.ok(run(1).includes('overusing'));
  assert.ok(run(-0.5).includes('underusing'));
});

test('an estimator without received packets keeps its initial estimate; garbage times do not break it', () => {
  const e = new BandwidthEstimator({ initialBps: 800_000 });
  e.onFeedback([], 0);
  e.onFeedback([{ sendMs: 0, size: 1200 }], 10);
  assert.equal(e.estimateBps, 800_000);
  e.onFeedback([{ sendMs: Number.NaN, arrivalMs: Number.POSITIVE_INFINITY, size: 1200 }], 20);
  assert.ok(Number.isFinite(e.estimateBps));
});
