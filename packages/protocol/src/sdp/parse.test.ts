import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ProtocolError } from '../errors/protocol-error.js';
import { parseSdp, sdpAttribute, sdpAttributes, sdpDirection } from './parse.js';
import { writeSdp } from './write.js';
import { candidateFromSdp, candidateToSdp, isMdnsCandidate } from './candidate.js';

const answer = readFileSync(new URL('./fixtures/chromium-answer.sdp', import.meta.url), 'utf8');

test('parse -> write round trips the Chromium answer byte for byte', () => {
  const sdp = parseSdp(answer);
  assert.equal(sdp.media.length, 8);
  assert.equal(writeSdp(sdp), answer);
  assert.deepEqual(
    sdp.media.map((m) => sdpAttribute(m.lines, 'mid')),
    ['audio', 'video', 'data', 'audio-1', 'audio-2', 'video-1', 'video-2', 'video-3'],
  );
  assert.equal(sdp.media[1]!.formats.join(' '), '100 96 101 97 107 99 41');
  assert.equal(sdp.media[2]!.protocol, 'UDP/DTLS/SCTP');
  assert.equal(sdpDirection(sdp.media[0]!, sdp), 'sendonly');
  assert.equal(sdpDirection(sdp.media[3]!, sdp), 'recvonly');
  assert.deepEqual(sdpAttributes(sdp.lines, 'extmap-allow-mixed'), ['']);
});

test('LF-only input is accepted and written with CRLF', () => {
  const out = writeSdp(parseSdp('v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nm=audio 9/2 RTP/AVP 0\na=sendrecv\n'));
  assert.equal(out, 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9/2 RTP/AVP 0\r\na=sendrecv\r\n');
});

function rejects(text: string, message: RegExp): void {
  assert.throws(
    () => parseSdp(text),
    (err: unknown) => {
      assert.ok(err instanceof ProtocolError);
      assert.match(err.message, message);
      return true;
    },
  );
}

test('malformed SDP gives ProtocolError naming the line', () => {
  rejects('', /SDP is empty/);
  rejects('hello world', /SDP line 1: 'hello world' is not a <type>=<value> line/);
  rejects('o=- 1 1 IN IP4 0.0.0.0\r\n', /SDP line 1: SDP must start with v=0/);
  rejects(
    'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nc=IN IP4 0.0.0.0\r\nm=audio\r\n',
    /SDP line 7: m= line has no port/,
  );
  rejects('v=0\r\nm=audio nine UDP/TLS/RTP/SAVPF 111\r\n', /SDP line 2: m= line port 'nine' is not a number/);
  rejects('v=0\r\nm=audio 9\r\n', /SDP line 2: m= line has no protocol/);
  rejects('v=0\r\n\x00garbage=\r\n', /SDP line 2/);
});

test('candidate lines: parse, render, round trip', () => {
  const c = candidateFromSdp(
    'a=candidate:1876313031 1 udp 1686052607 198.51.100.23 54400 typ srflx raddr 0.0.0.0 rport 0 generation 0 network-id 1 network-cost 10',
  );
  assert.deepEqual(c, {
    foundation: '1876313031',
    component: 1,
    protocol: 'udp',
    priority: 1686052607,
    ip: '198.51.100.23',
    port: 54400,
    type: 'srflx',
    relAddr: '0.0.0.0',
    relPort: 0,
    generation: 0,
    network: 1,
  });
  assert.deepEqual(candidateFromSdp(candidateToSdp(c)), c);
  const tcp = candidateFromSdp('candidate:4233069003 1 TCP 1518280447 192.168.1.20 9 typ host tcptype active');
  assert.equal(tcp.protocol, 'tcp');
  assert.equal(tcp.tcptype, 'active');
  assert.equal(candidateToSdp(tcp), 'candidate:4233069003 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active');
  assert.ok(isMdnsCandidate(candidateFromSdp('candidate:1 1 udp 1 3f9c2a1e-5b7d.local 5 typ host')));
  assert.throws(
    () => candidateFromSdp('candidate:1 1 udp 1 1.2.3.4 abc typ host'),
    /candidate port 'abc' is not a number/,
  );
  assert.throws(() => candidateFromSdp('candidate:1 1 udp 1'), /too few fields/);
  assert.throws(() => candidateFromSdp('candidate:1 1 sctp 1 1.2.3.4 5 typ host'), /protocol 'sctp'/);
  assert.throws(() => candidateFromSdp('candidate:1 1 udp 1 1.2.3.4 5 type host'), /no 'typ'/);
});
