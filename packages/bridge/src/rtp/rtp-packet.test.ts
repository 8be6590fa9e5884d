import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  audioLevel,
  findHeaderExtension,
  isRtpPacket,
  parseHeaderExtensions,
  removeHeaderExtension,
  rewriteRtp,
  rtpCsrc,
  rtpCsrcCount,
  rtpExtensionLength,
  rtpExtensionOffset,
  rtpExtensionProfile,
  rtpHasExtension,
  rtpHasPadding,
  rtpMarker,
  rtpPaddingLength,
  rtpPayload,
  rtpPayloadLength,
  rtpPayloadOffset,
  rtpPayloadType,
  rtpSeq,
  rtpSsrc,
  rtpTimestamp,
  rtpVersion,
  rtpFault,
  RtpError,
} from './rtp-packet.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 3550 §5.1: V=2 P=0 X=0 CC=0 | M=1 PT=100 | seq 0x1234 | ts 100 | ssrc 0xdeadbeef | payload
const plain = (): Buffer => hex('80 e4 1234 00000064 deadbeef  01020304');

// V=2 P=1 X=1 CC=2, M=0 PT=111, seq 65535, ts 0xffffffff, ssrc 1, csrcs 2 and 3,
// one-byte extension block (RFC 8285 §4.2): 0xBEDE, length 2 words:
//   id 1 len 1 (audio level V=1 level 5) | id 10 len 2 "ab" | 3 bytes zero padding
// payload aa bb, then 2 bytes RTP padding (count 2).
const full = (): Buffer =>
  hex(`b2 6f ffff ffffffff 00000001 00000002 00000003
       bede 0002  10 85  a1 61 62  00 00 00
       aa bb  00 02`);

// Two-byte profile (RFC 8285 §4.3), appbits 0: id 10 len 3 "xyz" | padding 0 | id 12 len 0 | pad to word
const twoByte = (): Buffer => hex('90 64 0001 00000000 00000005  1000 0002  0a 03 78797a 00 0c 00  cafe');

test('fixed header fields (RFC 3550)', () => {
  const b = plain();
  assert.equal(rtpVersion(b), 2);
  assert.equal(rtpHasPadding(b), false);
  assert.equal(rtpHasExtension(b), false);
  assert.equal(rtpCsrcCount(b), 0);
  assert.equal(rtpMarker(b), true);
  assert.equal(rtpPayloadType(b), 100);
  assert.equal(rtpSeq(b), 0x1234);
  assert.equal(rtpTimestamp(b), 100);
  assert.equal(rtpSsrc(b), 0xdeadbeef);
  assert.equal(rtpPayloadOffset(b), 12);
  assert.equal(rtpPayloadLength(b), 4);
  assert.equal(rtpExtensionOffset(b), -1);
  assert.deepEqual(parseHeaderExtensions(b), []);
  assert.deepEqual(rtpPayload(b), hex('01020304'));
});

test('CSRCs, one-byte extensions, padding', () => {
  const b = full();
  assert.equal(rtpHasPadding(b), true);
  assert.equal(rtpCsrcCount(b), 2);
  assert.equal(rtpCsrc(b, 1), 3);
  assert.equal(rtpMarker(b), false);
  assert.equal(rtpPayloadType(b), 111);
  assert.equal(rtpSeq(b), 65535);
  assert.equal(rtpTimestamp(b), 0xffffffff);
  assert.equal(rtpExtensionOffset(b), 20);
  assert.equal(rtpExtensionProfile(b), 0xbede);
  assert.equal(rtpExtensionLength(b), 8);
  assert.equal(rtpPayloadOffset(b), 32);
  assert.equal(rtpPaddingLength(b), 2);
  assert.equal(rtpPayloadLength(b), 2);
  assert.deepEqual(rtpPayload(b), hex('aabb'));
  const exts = parseHeaderExtensions(b)!;
  assert.deepEqual(
    exts.map((e) => [e.id, e.data.toString('hex')]),
    [
      [1, '85'],
      [10, '6162'],
    ],
  );
  assert.equal(findHeaderExtension(b, 10)?.toString(), 'ab');
  assert.equal(findHeaderExtension(b, 3), undefined);
  assert.deepEqual(audioLevel(b), { voice: true, level: 5 });
  assert.equal(audioLevel(b, 2), undefined);
  assert.equal(audioLevel(plain()), undefined);
});

test('one-byte id 15 stops parsing', () => {
  const b = hex('90 00 0000 00000000 00000000 bede 0001 10 01 f0 20');
  assert.deepEqual(
    parseHeaderExtensions(b)!.map((e) => e.id),
    [1],
  );
});

test('two-byte extensions', () => {
  const b = twoByte();
  assert.equal(rtpExtensionProfile(b), 0x1000);
  const exts = parseHeaderExtensions(b)!;
  assert.deepEqual(
    exts.map((e) => [e.id, e.data.toString()]),
    [
      [10, 'xyz'],
      [12, ''],
    ],
  );
  assert.deepEqual(rtpPayload(b), hex('cafe'));
});

test('unknown extension profile is ignored, not an error', () => {
  const b = hex('90 00 0000 00000000 00000000 abcd 0001 11223344 ff');
  assert.deepEqual(parseHeaderExtensions(b), []);
  assert.equal(removeHeaderExtension(b, 10), b);
  assert.equal(rtpPayloadOffset(b), 20);
});

test('removeHeaderExtension strips mid, keeps the rest aligned', () => {
  const b = full();
  const out = removeHeaderExtension(b, 10);
  // block shrinks to one word: 10 85 00 00
  assert.deepEqual(out, hex('b2 6f ffff ffffffff 00000001 00000002 00000003 bede 0001 10 85 00 00 aa bb 00 02'));
  assert.ok(isRtpPacket(out));
  assert.deepEqual(audioLevel(out), { voice: true, level: 5 });
  assert.deepEqual(rtpPayload(out), hex('aabb'));
  assert.deepEqual(b, full(), 'input untouched');
});

test('removeHeaderExtension of every element drops the block and X', () => {
  const out = removeHeaderExtension(full(), [1, 10, 11]);
  assert.deepEqual(out, hex('a2 6f ffff ffffffff 00000001 00000002 00000003 aa bb 00 02'));
  assert.equal(rtpHasExtension(out), false);
  assert.deepEqual(rtpPayload(out), hex('aabb'));
});

test('removeHeaderExtension returns the input when nothing matches', () => {
  const b = full();
  assert.equal(removeHeaderExtension(b, 4), b);
  const p = plain();
  assert.equal(removeHeaderExtension(p, 10), p);
});

test('removeHeaderExtension two-byte profile', () => {
  const out = removeHeaderExtension(twoByte(), 10);
  assert.deepEqual(out, hex('90 64 0001 00000000 00000005 1000 0001 0c 00 00 00 cafe'));
  assert.deepEqual(
    parseHeaderExtensions(out)!.map((e) => e.id),
    [12],
  );
});

test('rewriteRtp in place', () => {
  const b = full();
  rewriteRtp(b, { ssrc: 0x01020304, seq: 0x10005, pt: 96, timestamp: 2 ** 32 + 7, marker: true });
  assert.equal(rtpSsrc(b), 0x01020304);
  assert.equal(rtpSeq(b), 5);
  assert.equal(rtpPayloadType(b), 96);
  assert.equal(rtpTimestamp(b), 7);
  assert.equal(rtpMarker(b), true);
  assert.equal(rtpCsrcCount(b), 2);
  rewriteRtp(b, { marker: false });
  assert.equal(rtpMarker(b), false);
  assert.equal(rtpPayloadType(b), 96);
  assert.throws(() => rewriteRtp(Buffer.alloc(5), { seq: 1 }), RtpError);
});

test('garbage: truncated headers and lengths past the end', () => {
  const cases = [
    Buffer.alloc(0),
    hex('80'),
    hex('80 e4 1234 00000064 dead'), // 10 bytes
    hex('40 e4 1234 00000064 deadbeef'), // version 1
    hex('84 00 0000 00000000 00000000 00000001'), // CC=4, only one CSRC
    hex('90 00 0000 00000000 00000000 bede'), // extension header truncated
    hex('90 00 0000 00000000 00000000 bede 0009 00000000'), // ext length past end
    hex('a0 00 0000 00000000 00000000 aa 00'), // padding count 0
    hex('a0 00 0000 00000000 00000000 aa 09'), // padding count past payload
  ];
  for (const b of cases) {
    assert.equal(isRtpPacket(b), false, b.toString('hex'));
    assert.equal(rtpPayload(b), undefined);
    assert.equal(rtpPayloadLength(b), -1);
    rtpSeq(b);
    rtpSsrc(b);
    rtpTimestamp(b);
    rtpCsrc(b, 3); // never throw
  }
  // element length running past the end of the block
  const bad = hex('90 00 0000 00000000 00000000 bede 0001 1f 00 00 00');
  assert.equal(parseHeaderExtensions(bad), undefined);
  assert.equal(audioLevel(bad), undefined);
  assert.throws(() => removeHeaderExtension(bad, 1), RtpError);
  assert.throws(() => removeHeaderExtension(hex('80 00'), 1), RtpError);
  const bad2 = hex('90 00 0000 00000000 00000000 1000 0001 0a 09 00 00');
  assert.equal(parseHeaderExtensions(bad2), undefined);
});

test('rtpFault names the first structural fault, undefined for well-formed packets', () => {
  for (const ok of [plain(), full(), twoByte(), hex('90 00 0000 00000000 00000000 abcd 0001 ffffffff aa')])
    assert.equal(rtpFault(ok), undefined, ok.toString('hex'));
  assert.equal(rtpFault(hex('84 00 0000 00000000 00000000 00000001')), 'rtp-bad-header');
  assert.equal(rtpFault(hex('90 00 0000 00000000 00000000 bede 0009 00000000')), 'rtp-bad-header');
  // One word of extension data whose element claims 16 bytes: what removeHeaderExtension throws on.
  assert.equal(rtpFault(hex('90 00 0000 00000000 00000000 bede 0001 1f 00 00 00')), 'rtp-bad-extension');
  assert.equal(rtpFault(hex('90 00 0000 00000000 00000000 1000 0001 0a 09 00 00')), 'rtp-bad-extension');
  assert.equal(rtpFault(hex('a0 00 0000 00000000 00000000 aa 00')), 'rtp-bad-padding');
  assert.equal(rtpFault(hex('a0 00 0000 00000000 00000000 aa 09')), 'rtp-bad-padding');
});
