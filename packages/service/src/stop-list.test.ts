import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from './logger.js';
import { StopList } from './stop-list.js';

test('parts stop last started first; a failing or hanging one is logged and the rest still stop', async () => {
  const lines: string[] = [];
  const stops = new StopList(createLogger('test', { level: 'debug', write: (l) => lines.push(l) }), 50);
  const order: string[] = [];
  stops.push('prosody', () => order.push('prosody'));
  stops.push('bridge', async () => {
    order.push('bridge');
    throw new Error('socket already closed');
  });
  stops.push('focus', () => new Promise(() => order.push('focus'))); // never settles
  stops.push('web', async () => order.push('web'));
  await Promise.all([stops.stopAll(), stops.stopAll()]);
  assert.deepEqual(order, ['web', 'focus', 'bridge', 'prosody'], 'each once, in reverse');
  assert.ok(lines.some((l) => l.includes('"event":"stop.timeout"') && l.includes('"part":"focus"')));
  assert.ok(lines.some((l) => l.includes('"event":"stop.failed"') && l.includes('socket already closed')));
  assert.throws(() => stops.push('late', () => {}), /already stopping/);
});
