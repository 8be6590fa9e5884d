import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  FOCUS_NS,
  conferenceReadyToXml,
  conferenceRequestToXml,
  parseConferenceReady,
  parseConferenceRequest,
  type ConferenceReady,
  type ConferenceRequest,
} from './index.js';

const fixture = (name: string) => parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const throwsNaming = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.condition === 'bad-request' && re.test(e.message));

test('conference request round trip', () => {
  const r: ConferenceRequest = { room: 'room@conference.example', machineUid: 'abc', properties: { a: '1', b: '' } };
  const el = conferenceRequestToXml(r);
  assert.equal(el.attrs.xmlns, FOCUS_NS);
  assert.deepEqual(parseConferenceRequest(parseXml(el.toString())), r);
  const bare: ConferenceRequest = { room: 'r@c', properties: {} };
  assert.deepEqual(parseConferenceRequest(conferenceRequestToXml(bare)), bare);
});

test('conference request fixture: parse -> build -> parse', () => {
  const r = parseConferenceRequest(fixture('conference-request.xml'));
  assert.deepEqual(r, {
    room: 'room1@conference.meet.example',
    machineUid: 'b0c1d2e3f4a5b6c7',
    properties: { rtcstatsEnabled: 'false', 'visitors-version': '1', startAudioMuted: '9' },
  });
  assert.deepEqual(parseConferenceRequest(parseXml(conferenceRequestToXml(r).toString())), r);
});

test('conference ready round trip and fixture', () => {
  const r: ConferenceReady = { room: 'room@conference.example', ready: false, focusJid: 'focus@auth.example' };
  assert.deepEqual(parseConferenceReady(parseXml(conferenceReadyToXml(r).toString())), r);
  const f = parseConferenceReady(fixture('conference-ready.xml'));
  assert.deepEqual(f, { room: 'room1@conference.meet.example', ready: true, focusJid: 'focus@auth.meet.example' });
  assert.deepEqual(parseConferenceReady(conferenceReadyToXml(f)), f);
});

test('bad conference requests name the problem', () => {
  const c = (attrs: string, inner = '') =>
    parseXml(`<conference xmlns="http://jitsi.org/protocol/focus" ${attrs}>${inner}</conference>`);
  throwsNaming(() => parseConferenceRequest(c('')), /'room'/);
  for (const room of ['conference.example', 'room@conference.example/nick', '@conference.example', 'a b@c']) {
    throwsNaming(() => parseConferenceRequest(c(`room="${room}"`)), /'room' must be a bare JID/);
  }
  throwsNaming(() => parseConferenceRequest(c('room="r@c"', '<property value="x"/>')), /property.*'name'/);
  throwsNaming(() => parseConferenceRequest(parseXml('<conference xmlns="urn:x" room="r@c"/>')), /namespace/);
  throwsNaming(() => parseConferenceRequest(parseXml('<iq type="set"/>')), /expected <conference/);
  throwsNaming(() => conferenceRequestToXml({ room: 'nolocal', properties: {} }), /'room'/);
  throwsNaming(() => parseConferenceReady(c('room="r@c" ready="yes" focusjid="f@a"')), /'ready'/);
  throwsNaming(() => parseConferenceReady(c('room="r@c" ready="true"')), /'focusjid'/);
});
