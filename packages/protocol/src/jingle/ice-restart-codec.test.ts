// session-info with Jitsi's <ice-state>, transport-replace and transport-accept (XEP-0166 / XEP-0176 shapes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { jingleToXml, parseJingle } from './codec.js';
import type { Jingle } from './model.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const load = (name: string): Jingle => parseJingle(parseXml(fixture(name)));
const roundTrip = (j: Jingle): Jingle => parseJingle(parseXml(jingleToXml(j).toString()));

test('session-info carries the ICE state and the bridge session, and survives a round trip', () => {
  const j = load('session-info-ice-failed.xml');
  assert.equal(j.action, 'session-info');
  assert.equal(j.iceState, 'failed');
  assert.equal(j.bridgeSession, '0f3e7a11');
  assert.deepEqual(j.contents, []);
  assert.deepEqual(roundTrip(j), j);
});

test('a session-terminate with <bridge-session restart="true"> asks for a new session (lib-jitsi-meet shape)', () => {
  const j = load('session-terminate-restart.xml');
  assert.equal(j.action, 'session-terminate');
  assert.equal(j.reason?.condition, 'connectivity-error');
  assert.equal(j.restartRequested, true);
  assert.deepEqual(roundTrip(j), j);
  const plain = load('session-info-ice-failed.xml');
  assert.equal(plain.restartRequested, undefined, 'no restart attribute: no restart');
});

test('transport-replace carries the new ICE credentials, fingerprint and candidates', () => {
  const j = load('transport-replace.xml');
  assert.equal(j.action, 'transport-replace');
  const t = j.contents[0]?.transport;
  assert.equal(t?.ufrag, 'n3wUfr4g');
  assert.equal(t?.pwd, 'n3wP4ssw0rdN3wP4ssw0rd24');
  assert.equal(t?.iceLite, true);
  assert.equal(t?.fingerprints[0]?.setup, 'actpass');
  assert.equal(t?.candidates[0]?.port, 10000);
  assert.equal(t?.sctpPort, 5000);
  assert.deepEqual(j.bundle, ['audio']);
  assert.deepEqual(roundTrip(j), j);
});

test("transport-accept carries the client's new ICE credentials", () => {
  const j = load('transport-accept.xml');
  assert.equal(j.action, 'transport-accept');
  assert.equal(j.responder, 'alice@meet.example/web-1');
  assert.equal(j.contents[0]?.transport?.ufrag, 'Zq9c');
  assert.equal(j.contents[0]?.transport?.fingerprints[0]?.setup, 'active');
  assert.deepEqual(roundTrip(j), j);
});

test('a session-info with a bad ice-state or a bridge-session without id is refused, naming the problem', () => {
  const bad = (inner: string) =>
    parseXml(`<jingle xmlns="urn:xmpp:jingle:1" action="session-info" sid="s1">${inner}</jingle>`);
  const focusNs = 'http://jitsi.org/protocol/focus';
  assert.throws(
    () => parseJingle(bad(`<ice-state xmlns="${focusNs}">melted</ice-state>`)),
    (e: unknown) => e instanceof ProtocolError && /ice-state 'melted' is not one of/.test(e.message),
  );
  assert.throws(
    () =>
      parseJingle(bad(`<ice-state xmlns="${focusNs}">failed</ice-state><ice-state xmlns="${focusNs}">new</ice-state>`)),
    /more than one ice-state/,
  );
  assert.throws(() => parseJingle(bad(`<bridge-session xmlns="${focusNs}"/>`)), /id.* in bridge-session/);
  // Another namespace's ice-state is not ours: ignored, like any unknown child.
  assert.equal(parseJingle(bad('<ice-state xmlns="urn:example">failed</ice-state>')).iceState, undefined);
});
