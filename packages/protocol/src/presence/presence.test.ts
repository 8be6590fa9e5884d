import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml, xml } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  bareJid,
  resourceOf,
  isEndpointId,
  isSelfPresence,
  mucJoinPresence,
  newEndpointId,
  occupantJid,
  parseParticipantPresence,
  participantPresenceChildren,
  roomConfigSubmit,
  roomConfigIq,
  setAffiliationIq,
  setRoleIq,
  splitJid,
  parseSourceInfo,
  type ParticipantInfo,
} from './index.js';

const fixture = (name: string) => parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const throwsNaming = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && re.test(e.message));

const info: ParticipantInfo = {
  nick: 'Bob <the builder>',
  audioMuted: false,
  videoMuted: true,
  sourceInfo: { 'a1b2c3d4-a0': { muted: false }, 'a1b2c3d4-v1': { muted: true, videoType: 'desktop' } },
  raisedHand: 1700000000000,
  statsId: 'Bob-1',
  region: 'lan',
};

test('participant presence round trip', () => {
  const p = xml('presence', { from: 'r@conference.example/a1b2c3d4' }, participantPresenceChildren(info));
  const parsed = parseParticipantPresence(parseXml(p.toString()));
  assert.deepEqual(parsed, { ...info, occupantNick: 'a1b2c3d4', unavailable: false, statusCodes: [] });
});

test('Jitsi element names and namespaces', () => {
  const els = participantPresenceChildren(info);
  const names = els.map((e) => `${e.name}|${e.attrs.xmlns ?? ''}`);
  assert.deepEqual(names, [
    'nick|http://jabber.org/protocol/nick',
    'audiomuted|http://jitsi.org/jitmeet/audio',
    'videomuted|http://jitsi.org/jitmeet/video',
    'SourceInfo|',
    'jitsi_participant_raisedHand|',
    'stats-id|',
    'jitsi_participant_region|',
  ]);
  assert.equal(els[1].getText(), 'false');
  assert.deepEqual(participantPresenceChildren({}), []);
});

test('fixture: Jitsi-style participant presence', () => {
  const p = parseParticipantPresence(fixture('participant-presence.xml'));
  assert.deepEqual(p, {
    occupantNick: 'a1b2c3d4',
    unavailable: false,
    statusCodes: [100],
    role: 'moderator',
    affiliation: 'owner',
    jid: '3f0c9e1a-6b7d@meet.example/Kx3_Vb',
    nick: 'Alice Ünicode & Co',
    audioMuted: true,
    videoMuted: false,
    sourceInfo: { 'a1b2c3d4-a0': { muted: true }, 'a1b2c3d4-v0': { muted: false, videoType: 'camera' } },
    raisedHand: 1700000000123,
    statsId: 'Alice-Kx3',
    region: 'lan-a',
  });
  assert.equal(isSelfPresence(fixture('participant-presence.xml')), false);
  // fixture -> parse -> build -> parse
  const { occupantNick, unavailable, statusCodes, role, affiliation, jid, ...rest } = p;
  void unavailable;
  void statusCodes;
  void role;
  void affiliation;
  void jid;
  const again = parseParticipantPresence(
    xml('presence', { from: `room1@conference.meet.example/${occupantNick}` }, participantPresenceChildren(rest)),
  );
  assert.deepEqual(again, { ...rest, occupantNick, unavailable: false, statusCodes: [] });
});

test('fixture: self unavailable (kicked)', () => {
  const el = fixture('self-unavailable.xml');
  const p = parseParticipantPresence(el);
  assert.equal(p.unavailable, true);
  assert.deepEqual(p.statusCodes, [110, 307]);
  assert.equal(p.role, 'none');
  assert.equal(isSelfPresence(el), true);
});

test('bad SourceInfo and bad values name the problem', () => {
  const pres = (child: string) => parseXml(`<presence from="r@c.example/n">${child}</presence>`);
  throwsNaming(
    () => parseParticipantPresence(pres('<SourceInfo>{not json</SourceInfo>')),
    /SourceInfo: not valid JSON/,
  );
  throwsNaming(() => parseParticipantPresence(pres('<SourceInfo>[1]</SourceInfo>')), /SourceInfo: not a JSON object/);
  throwsNaming(
    () => parseParticipantPresence(pres('<SourceInfo>{"x-v0":{"muted":"yes"}}</SourceInfo>')),
    /'x-v0'.*muted/,
  );
  throwsNaming(
    () => parseParticipantPresence(pres('<SourceInfo>{"x-v0":{"muted":true,"videoType":"tv"}}</SourceInfo>')),
    /videoType 'tv'/,
  );
  throwsNaming(() => parseParticipantPresence(pres('<audiomuted>maybe</audiomuted>')), /audiomuted/);
  throwsNaming(
    () => parseParticipantPresence(pres('<x xmlns="http://jabber.org/protocol/muc#user"><item role="king"/></x>')),
    /role 'king'/,
  );
  throwsNaming(() => parseParticipantPresence(parseXml('<message/>')), /expected <presence>/);
  throwsNaming(
    () => participantPresenceChildren({ sourceInfo: { a: { muted: 1 as unknown as boolean } } }),
    /'a'.*muted/,
  );
  assert.deepEqual(parseSourceInfo('{"a":{"muted":false,"extra":1}}'), { a: { muted: false } });
  // lowered hand (empty element) is not an error
  assert.equal(parseParticipantPresence(pres('<jitsi_participant_raisedHand/>')).raisedHand, undefined);
});

test('JID helpers', () => {
  assert.deepEqual(splitJid('room@conference.example/a1b2c3d4'), {
    local: 'room',
    domain: 'conference.example',
    resource: 'a1b2c3d4',
  });
  assert.deepEqual(splitJid('focus.example'), { domain: 'focus.example' });
  assert.deepEqual(splitJid('a@b/c/d@e'), { local: 'a', domain: 'b', resource: 'c/d@e' });
  assert.equal(bareJid('a@b/c'), 'a@b');
  assert.equal(resourceOf('r@c/n'), 'n');
  assert.equal(resourceOf(''), undefined);
  assert.equal(resourceOf('r@c'), undefined);
  assert.equal(occupantJid('room@conference.example/old', 'a1b2c3d4'), 'room@conference.example/a1b2c3d4');
  for (const bad of ['', '@b', 'a@', 'a@b/', 'a@b@c']) throwsNaming(() => splitJid(bad), /bad JID/);
  throwsNaming(() => occupantJid('room@c', ''), /empty nick/);
});

test('endpoint ids', () => {
  assert.equal(isEndpointId('a1b2c3d4'), true);
  for (const s of ['A1B2C3D4', 'a1b2c3d', 'a1b2c3d45', 'g1b2c3d4', 7]) assert.equal(isEndpointId(s), false);
  let i = 0;
  const seq = [0, 0.999999, 0.5, 0.0625, 0.1, 0.2, 0.3, 0.99];
  assert.equal(
    newEndpointId(() => seq[i++]),
    '0f81134f',
  );
  for (let k = 0; k < 100; k++) assert.ok(isEndpointId(newEndpointId()));
  assert.ok(isEndpointId(newEndpointId(() => 1)));
});

test('MUC join presence', () => {
  const p = mucJoinPresence('room@conference.example/a1b2c3d4', {
    password: 's3cret',
    maxHistory: 0,
    children: participantPresenceChildren({ nick: 'A' }),
  });
  assert.equal(
    p.toString(),
    '<presence to="room@conference.example/a1b2c3d4"><x xmlns="http://jabber.org/protocol/muc"><password>s3cret</password><history maxstanzas="0"/></x><nick xmlns="http://jabber.org/protocol/nick">A</nick></presence>',
  );
  assert.equal(
    mucJoinPresence('r@c/n').toString(),
    '<presence to="r@c/n"><x xmlns="http://jabber.org/protocol/muc"/></presence>',
  );
  throwsNaming(() => mucJoinPresence('room@conference.example'), /no nick/);
});

test('MUC admin and owner builders', () => {
  assert.equal(
    setRoleIq('r@c/x', 'a1b2c3d4', 'moderator').toString(),
    '<iq type="set" to="r@c"><query xmlns="http://jabber.org/protocol/muc#admin"><item nick="a1b2c3d4" role="moderator"/></query></iq>',
  );
  assert.equal(setRoleIq('r@c', 'n', 'none', 'bye').getChild('query')?.getChild('item')?.getChildText('reason'), 'bye');
  assert.equal(
    setAffiliationIq('r@c', 'u@d/res', 'owner').toString(),
    '<iq type="set" to="r@c"><query xmlns="http://jabber.org/protocol/muc#admin"><item jid="u@d" affiliation="owner"/></query></iq>',
  );
  const q = roomConfigSubmit({ 'muc#roomconfig_membersonly': '0', 'muc#roomconfig_roomadmins': ['a@b', 'c@d'] });
  assert.equal(q.attrs.xmlns, 'http://jabber.org/protocol/muc#owner');
  const x = q.getChild('x', 'jabber:x:data');
  assert.equal(x?.attrs.type, 'submit');
  const fields = x?.getChildren('field').map((f) => [f.attrs.var, f.getChildren('value').map((v) => v.getText())]);
  assert.deepEqual(fields, [
    ['FORM_TYPE', ['http://jabber.org/protocol/muc#roomconfig']],
    ['muc#roomconfig_membersonly', ['0']],
    ['muc#roomconfig_roomadmins', ['a@b', 'c@d']],
  ]);
  assert.equal(roomConfigIq('r@c', {}).attrs.to, 'r@c');
});
