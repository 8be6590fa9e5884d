import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceErrorKind, errorDetail, resolveServiceUrl } from './errors.js';

test('getUserMedia errors -> error kinds', () => {
  for (const name of ['NotFoundError', 'OverconstrainedError', 'NotReadableError', 'DevicesNotFoundError'])
    assert.equal(deviceErrorKind({ name }), 'no-devices', name);
  for (const name of ['NotAllowedError', 'PermissionDeniedError', 'SecurityError'])
    assert.equal(deviceErrorKind({ name }), 'permission-denied', name);
  assert.equal(deviceErrorKind(new Error('x')), 'no-devices');
  assert.equal(
    errorDetail({ name: 'NotFoundError', message: 'Requested device not found' }),
    'NotFoundError: Requested device not found',
  );
  assert.equal(errorDetail('plain'), 'plain');
});

test('service URLs resolve against the page', () => {
  const page = { protocol: 'https:', host: 'meet.local:8443' };
  assert.equal(resolveServiceUrl('/xmpp-websocket', page), 'wss://meet.local:8443/xmpp-websocket');
  assert.equal(resolveServiceUrl('xmpp-websocket', page), 'wss://meet.local:8443/xmpp-websocket');
  assert.equal(
    resolveServiceUrl('/xmpp-websocket', { protocol: 'http:', host: 'localhost:8080' }),
    'ws://localhost:8080/xmpp-websocket',
  );
  assert.equal(resolveServiceUrl('wss://other:5281/ws', page), 'wss://other:5281/ws');
  assert.equal(resolveServiceUrl('//other/ws', page), 'wss://other/ws');
  assert.equal(resolveServiceUrl('/http-bind', page, 'http'), 'https://meet.local:8443/http-bind');
});
