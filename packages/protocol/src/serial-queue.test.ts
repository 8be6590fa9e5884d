import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueueClosedError, SerialQueue } from './serial-queue.js';

test('jobs run one at a time in arrival order; run hands back results and failures', async () => {
  const errors: string[] = [];
  const q = new SerialQueue((_e, label) => errors.push(label));
  const order: string[] = [];
  q.post('slow', async () => {
    await new Promise((r) => setTimeout(r, 20));
    order.push('slow');
  });
  q.post('boom', () => {
    throw new Error('x');
  });
  const failing = q.run('refused', () => {
    throw new Error('refused by the job');
  });
  const last = q.run('fast', () => {
    order.push('fast');
    return 7;
  });
  await assert.rejects(failing, /refused by the job/);
  assert.equal(await last, 7);
  assert.deepEqual(order, ['slow', 'fast']);
  assert.deepEqual(errors, ['boom'], 'only posted failures are reported; run failures go to the caller');
  assert.equal(q.failures, 1);
});

test('a closed queue refuses new jobs; those queued before still run', async () => {
  const q = new SerialQueue();
  const ran: string[] = [];
  const before = q.run('before', async () => {
    await new Promise((r) => setTimeout(r, 10));
    ran.push('before');
  });
  q.close();
  await assert.rejects(
    q.run('after', () => ran.push('after')),
    QueueClosedError,
  );
  q.post('posted after', () => ran.push('posted after'));
  await before;
  await q.idle();
  assert.deepEqual(ran, ['before']);
  assert.equal(q.isClosed, true);
});
