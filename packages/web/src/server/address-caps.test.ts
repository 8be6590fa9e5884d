import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressCaps, clientAddress } from './address-caps.js';

test('each address gets its own N places; a release (once) gives one back', () => {
  const caps = new AddressCaps(2);
  const a1 = caps.acquire('10.0.0.1');
  const a2 = caps.acquire('10.0.0.1');
  assert.ok(a1 && a2);
  assert.equal(caps.acquire('10.0.0.1'), undefined);
  assert.ok(caps.acquire('10.0.0.2'), 'another address is not affected');
  a1();
  a1();
  assert.equal(caps.count('10.0.0.1'), 1, 'releasing twice counts once');
  assert.ok(caps.acquire('10.0.0.1'));
  assert.equal(caps.acquire('10.0.0.1'), undefined);
  assert.equal(
    caps.refusalText('10.0.0.1'),
    'too many connections from 10.0.0.1: at most 2 signaling connections per address',
  );
});

test('0 means no cap', () => {
  const caps = new AddressCaps(0);
  for (let i = 0; i < 1000; i++) assert.ok(caps.acquire('10.0.0.1'));
});

test('IPv4-mapped IPv6 peers count as their IPv4 address', () => {
  assert.equal(clientAddress({ remoteAddress: '::ffff:192.168.1.7' }), '192.168.1.7');
  assert.equal(clientAddress({ remoteAddress: '::1' }), '::1');
  assert.equal(clientAddress({ remoteAddress: 'fe80::1' }), 'fe80::1');
  assert.equal(clientAddress({ remoteAddress: undefined }), 'unknown');
});
