import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from '@parley/protocol';
import { turnIceServers, turnServicesRequest } from './turn-services.js';

test('asks the domain for its external services (XEP-0215)', () => {
  assert.equal(
    turnServicesRequest('meet.test').toString(),
    '<iq type="get" to="meet.test"><services xmlns="urn:xmpp:extdisco:2"/></iq>',
  );
});

test("Prosody's answer becomes one RTCIceServer per TURN service; STUN and incomplete entries are left out", () => {
  const answer = parseXml(
    '<iq type="result"><services xmlns="urn:xmpp:extdisco:2">' +
      '<service type="turn" host="10.0.0.5" port="3478" transport="tcp" username="1700000000:parley" password="pw1" restricted="1"/>' +
      '<service type="turns" host="fd00::5" port="5349" transport="tcp" username="1700000000:parley" password="pw2"/>' +
      '<service type="stun" host="10.0.0.5" port="3478" transport="udp"/>' +
      '<service type="turn" host="10.0.0.6" port="3478" transport="tcp"/>' +
      '<service type="turn" host="10.0.0.7" port="x" username="u" password="p"/>' +
      '</services></iq>',
  );
  assert.deepEqual(turnIceServers(answer), [
    { urls: ['turn:10.0.0.5:3478?transport=tcp'], username: '1700000000:parley', credential: 'pw1' },
    { urls: ['turns:[fd00::5]:5349?transport=tcp'], username: '1700000000:parley', credential: 'pw2' },
  ]);
  assert.deepEqual(turnIceServers(parseXml('<iq type="result"/>')), []);
});
