import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml, xml } from '../xml/element.js';
import {
  ProtocolError,
  errorIq,
  errorIqFor,
  parseStanzaError,
  stanzaErrorElement,
  toStanzaError,
  STANZAS_NS,
} from './index.js';

const fixture = (name: string) => parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

test('stanzaErrorElement shape and RFC 6120 default types', () => {
  assert.equal(
    stanzaErrorElement('bad-request', 'missing meeting-id').toString(),
    `<error type="modify"><bad-request xmlns="${STANZAS_NS}"/><text xmlns="${STANZAS_NS}">missing meeting-id</text></error>`,
  );
  assert.equal(
    stanzaErrorElement('item-not-found').toString(),
    `<error type="cancel"><item-not-found xmlns="${STANZAS_NS}"/></error>`,
  );
  const types = (
    [
      'forbidden',
      'not-authorized',
      'resource-constraint',
      'unexpected-request',
      'conflict',
      'not-acceptable',
      'service-unavailable',
    ] as const
  ).map((c) => stanzaErrorElement(c).attrs.type);
  assert.deepEqual(types, ['auth', 'auth', 'wait', 'wait', 'cancel', 'modify', 'cancel']);
  assert.equal(stanzaErrorElement('bad-request', undefined, 'cancel').attrs.type, 'cancel');
});

test('errorIq swaps addresses, keeps the id, carries only the error', () => {
  const req = xml(
    'iq',
    { type: 'set', id: 'x1', from: 'u@d/r', to: 'focus.d' },
    xml('conference', { xmlns: 'http://jitsi.org/protocol/focus' }),
  );
  const reply = errorIq(req, 'bad-request', "missing attribute 'room'");
  assert.equal(
    reply.toString(),
    `<iq type="error" id="x1" from="focus.d" to="u@d/r"><error type="modify"><bad-request xmlns="${STANZAS_NS}"/><text xmlns="${STANZAS_NS}">missing attribute 'room'</text></error></iq>`,
  );
  assert.deepEqual(parseStanzaError(parseXml(reply.toString())), {
    type: 'modify',
    condition: 'bad-request',
    text: "missing attribute 'room'",
  });
});

test('parseStanzaError on a Jitsi-style fixture (extra app-specific condition ignored)', () => {
  assert.deepEqual(parseStanzaError(fixture('error-iq.xml')), {
    type: 'cancel',
    condition: 'item-not-found',
    text: 'Conference not found for ID: 0b5c8f64',
  });
  assert.equal(parseStanzaError(xml('iq', { type: 'result' })), undefined);
  assert.deepEqual(parseStanzaError(parseXml('<error/>')), { type: 'cancel', condition: 'undefined-condition' });
  assert.deepEqual(parseStanzaError(parseXml(`<error type="bogus"><conflict xmlns="${STANZAS_NS}"/></error>`)), {
    type: 'cancel',
    condition: 'conflict',
  });
});

test('toStanzaError maps ProtocolError and hides everything else', () => {
  assert.deepEqual(toStanzaError(new ProtocolError('bad ssrc')), {
    type: 'modify',
    condition: 'bad-request',
    text: 'bad ssrc',
  });
  assert.deepEqual(toStanzaError(new ProtocolError('full', 'resource-constraint')), {
    type: 'wait',
    condition: 'resource-constraint',
    text: 'full',
  });
  assert.deepEqual(toStanzaError(new TypeError('x.y is undefined at /srv/secret.js')), {
    type: 'cancel',
    condition: 'internal-server-error',
    text: 'internal error',
  });
  assert.deepEqual(toStanzaError('string thrown'), {
    type: 'cancel',
    condition: 'internal-server-error',
    text: 'internal error',
  });
  const req = xml('iq', { type: 'get', id: '9', from: 'a@b/c', to: 'd' });
  assert.deepEqual(parseStanzaError(errorIqFor(req, new ProtocolError('no', 'forbidden'))), {
    type: 'auth',
    condition: 'forbidden',
    text: 'no',
  });
});
