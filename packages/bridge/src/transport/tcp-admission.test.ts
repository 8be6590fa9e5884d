import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TcpAdmission } from './tcp-admission.js';

test('over the per-source bound, the oldest pending connection of that source is closed', () => {
  const a = new TcpAdmission<number>({ perSource: 2, total: 10 });
  assert.deepEqual(a.admit(1, 'x'), []);
  assert.deepEqual(a.admit(2, 'y'), []);
  assert.deepEqual(a.admit(3, 'x'), []);
  assert.deepEqual(a.admit(4, 'x'), [{ key: 1, reason: 'tcp-unauth-limit-per-source' }]);
  assert.equal(a.size, 3);
});

test('over the total bound, the oldest pending connection of any source is closed', () => {
  const a = new TcpAdmission<number>({ perSource: 5, total: 3 });
  a.admit(1, 'x');
  a.admit(2, 'y');
  a.admit(3, 'z');
  assert.deepEqual(a.admit(4, 'w'), [{ key: 1, reason: 'tcp-unauth-limit-total' }]);
  a.forget(2); // authenticated: no longer pending, frees a place
  assert.deepEqual(a.admit(5, 'v'), []);
  assert.equal(a.size, 3);
});

test('limits must be positive integers', () => {
  assert.throws(() => new TcpAdmission({ perSource: 0, total: 3 }), /perSource limit must be a positive integer/);
  assert.throws(() => new TcpAdmission({ perSource: 1, total: 1.5 }), /total limit must be a positive integer/);
});
