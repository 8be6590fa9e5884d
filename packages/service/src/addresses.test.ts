import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bracketHost, plainAddress } from './addresses.js';

test('IPv4-mapped IPv6 addresses become plain IPv4; others stay as they are', () => {
  assert.equal(plainAddress('::ffff:10.0.0.5'), '10.0.0.5');
  assert.equal(plainAddress('::FFFF:127.0.0.1'), '127.0.0.1');
  assert.equal(plainAddress('10.0.0.5'), '10.0.0.5');
  assert.equal(plainAddress('::1'), '::1');
  assert.equal(plainAddress('::ffff:abcd'), '::ffff:abcd', 'not an IPv4 tail: a real IPv6 address');
  assert.equal(plainAddress('fe80::ffff:1.2.3.4'), 'fe80::ffff:1.2.3.4');
});

test('IPv6 literals are bracketed for URLs and Host headers, once', () => {
  assert.equal(bracketHost('::1'), '[::1]');
  assert.equal(bracketHost('[::1]'), '[::1]');
  assert.equal(bracketHost('10.0.0.5'), '10.0.0.5');
  assert.equal(bracketHost('meet.example'), 'meet.example');
});
