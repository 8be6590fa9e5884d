// The restart loop with stand-in processes: restarted after an exit, with a doubling backoff while
// starts fail, logged, and never again once stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Supervisor, type SupervisedProcess } from './supervisor.js';

interface Fake extends SupervisedProcess {
  die(code: number | null): void;
  stopped: boolean;
}

let nextPid = 100;
function fakeProcess(): Fake {
  let die!: (code: number | null) => void;
  const exited = new Promise<number | null>((r) => (die = r));
  const p: Fake = {
    pid: nextPid++,
    exited,
    die,
    stopped: false,
    stop: async () => {
      p.stopped = true;
      die(null);
    },
  };
  return p;
}

function recordingLog() {
  const events: { event: string; fields?: Record<string, unknown> }[] = [];
  const add = (event: string, fields?: Record<string, unknown>) => events.push({ event, fields });
  return { events, log: { info: add, warn: add } };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  for (const deadline = Date.now() + ms; !cond(); ) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('an unexpected exit is restarted, logged, and reported as restarting meanwhile', async () => {
  const { events, log } = recordingLog();
  const started: Fake[] = [];
  const sup = await Supervisor.start({
    name: 'prosody',
    log,
    backoff: { firstMs: 30 },
    start: async () => {
      const p = fakeProcess();
      started.push(p);
      return p;
    },
  });
  assert.equal(sup.status().state, 'up');
  started[0].die(137);
  await until(() => sup.state === 'restarting');
  assert.deepEqual(sup.status().pid, undefined);
  await until(() => sup.state === 'up');
  assert.equal(started.length, 2);
  assert.equal(sup.status().pid, started[1].pid);
  assert.equal(sup.restarts, 1);
  assert.ok(sup.lastRecoveryMs! >= 30);
  assert.deepEqual(
    events.map((e) => e.event),
    ['supervisor.exited', 'supervisor.restarting', 'supervisor.restarted'],
  );
  assert.equal(events[0].fields?.code, 137);
  await sup.stop();
  assert.ok(started[1].stopped);
  assert.equal(sup.state, 'stopped');
});

test('failed restarts are retried with a doubling backoff, capped', async () => {
  const { events, log } = recordingLog();
  let failures = 3;
  let calls = 0;
  const first = fakeProcess();
  const sup = await Supervisor.start({
    name: 'jvb-2',
    log,
    backoff: { firstMs: 10, maxMs: 40 },
    start: async () => {
      if (calls++ === 0) return first;
      if (failures-- > 0) throw new Error('port in use');
      return fakeProcess();
    },
  });
  first.die(1);
  await until(() => sup.state === 'up' && sup.restarts === 1);
  const delays = events.filter((e) => e.event === 'supervisor.restarting').map((e) => e.fields?.delayMs);
  assert.deepEqual(delays, [10, 20, 40, 40]);
  assert.equal(events.filter((e) => e.event === 'supervisor.restart_failed').length, 3);
  await sup.stop();
});

test('after stop() nothing is restarted, even when stop comes during the backoff', async () => {
  const { log } = recordingLog();
  let starts = 0;
  let current = fakeProcess();
  const sup = await Supervisor.start({
    name: 'turnserver',
    log,
    backoff: { firstMs: 200 },
    start: async () => {
      starts++;
      current = fakeProcess();
      return current;
    },
  });
  current.die(1);
  await until(() => sup.state === 'restarting');
  await sup.stop();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(starts, 1, 'only the first start');
  assert.equal(sup.state, 'stopped');
});
