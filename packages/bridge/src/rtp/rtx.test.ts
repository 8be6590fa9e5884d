import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRtx, rtxOsn, RtxSeqAllocator, toRtx } from './rtx.js';
import { RtpError, audioLevel, rtpPayload } from './rtp-packet.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// P=1 X=1 CC=1, M=1 PT=100, seq 0xabcd, ts 0x11223344, ssrc 0x0a0b0c0d, csrc 5,
// one-byte ext: audio level id 1 + 2 bytes pad; payload 01 02 03; 3 bytes padding.
const original = (): Buffer => hex('b1 e4 abcd 11223344 0a0b0c0d 00000005 bede 0001 10 7f 00 00 010203 000003');

test('toRtx: RFC 4588 layout, padding dropped, extensions kept', () => {
  const rtx = toRtx(original(), { rtxSsrc: 0x01010101, rtxPt: 96, rtxSeq: 7 });
  assert.deepEqual(rtx, hex('91 e0 0007 11223344 01010101 00000005 bede 0001 10 7f 00 00 abcd 010203'));
  assert.deepEqual(audioLevel(rtx), { voice: false, level: 127 });
  assert.equal(rtxOsn(rtx), 0xabcd);
});

test('fromRtx restores the original (without padding)', () => {
  const rtx = toRtx(original(), { rtxSsrc: 1, rtxPt: 96, rtxSeq: 65535 });
  const back = fromRtx(rtx, { primarySsrc: 0x0a0b0c0d, primaryPt: 100 })!;
  assert.deepEqual(back, hex('91 e4 abcd 11223344 0a0b0c0d 00000005 bede 0001 10 7f 00 00 010203'));
  // RTX packets may carry their own padding
  const padded = Buffer.concat([rtx, hex('0000 0004')]);
  padded[0] |= 0x20;
  assert.deepEqual(fromRtx(padded, { primarySsrc: 0x0a0b0c0d, primaryPt: 100 }), back);
  assert.deepEqual(rtpPayload(back), hex('010203'));
});

test('fromRtx: padding-only probes and garbage give undefined; toRtx garbage throws RtpError', () => {
  const probe = hex('a0 60 0001 00000000 00000001 00000000 0000 0008');
  assert.equal(fromRtx(probe, { primarySsrc: 1, primaryPt: 100 }), undefined);
  assert.equal(rtxOsn(probe), undefined);
  assert.equal(fromRtx(hex('80 60 0001 00000000 00000001 ab'), { primarySsrc: 1, primaryPt: 100 }), undefined);
  assert.equal(fromRtx(hex('80 60'), { primarySsrc: 1, primaryPt: 100 }), undefined);
  assert.throws(() => toRtx(hex('80 60 00'), { rtxSsrc: 1, rtxPt: 96, rtxSeq: 1 }), RtpError);
  // empty payload original -> RTX with only the OSN
  const empty = toRtx(hex('80 64 0102 00000000 00000001'), { rtxSsrc: 2, rtxPt: 96, rtxSeq: 3 });
  assert.deepEqual(empty, hex('80 60 0003 00000000 00000002 0102'));
  assert.deepEqual(fromRtx(empty, { primarySsrc: 1, primaryPt: 100 }), hex('80 64 0102 00000000 00000001'));
});

test('RtxSeqAllocator counts per (receiver, source) and wraps', () => {
  let r = 0;
  const a = new RtxSeqAllocator(() => r);
  assert.equal(a.next('ep1', 10), 0);
  assert.equal(a.next('ep1', 10), 1);
  r = 0.99999;
  assert.equal(a.next('ep1', 11), 65535);
  assert.equal(a.next('ep1', 11), 0);
  assert.equal(a.next('ep2', 10), 65535);
  assert.equal(a.next('ep1', 10), 2);
  a.forgetReceiver('ep1');
  r = 0;
  assert.equal(a.next('ep1', 10), 0);
  a.forgetSource(10);
  r = 0.5;
  assert.equal(a.next('ep2', 10), 32768);
});
