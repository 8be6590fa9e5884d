import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildBye,
  buildFir,
  buildNack,
  buildPli,
  buildRemb,
  buildRr,
  buildSdes,
  buildSr,
  isRtcp,
  packNack,
  parseRtcp,
  RtcpError,
  type ReportBlock,
} from './rtcp.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 3550 §6.4.1 SR with one report block
const SR = `81 c8 000c 11111111 e54c3a00 80000000 00001000 00000010 00000400
            22222222 40 fffffe 00010005 00000020 3a008000 00010000`;
const SDES = '81 ca 0003 11111111 01 05 68656c6c6f 00'; // CNAME "hello" + null item
const BYE = '81 cb 0003 11111111 04 62796521 000000'; // reason "bye!" + padding
const APP = '80 cc 0002 11111111 6e616d65';
const NACK = '81 cd 0003 11111111 22222222 0064 0005'; // RFC 4585 §6.2.1: PID 100, BLP bits 0 and 2
const TWCC = '8f cd 0005 11111111 22222222 0005 0003 ffffff 07 20030000';
const PLI = '81 ce 0002 11111111 22222222';
const FIR = '84 ce 0004 11111111 00000000 22222222 07 000000'; // RFC 5104 §4.3.1.1
const REMB = '8f ce 0005 11111111 00000000 52454d42 01 0d 2345 22222222'; // exp 3, mantissa 0x12345

test('SR with a report block', () => {
  const [sr] = parseRtcp(hex(SR));
  assert.deepEqual(sr, {
    type: 'sr',
    ssrc: 0x11111111,
    ntpSec: 0xe54c3a00,
    ntpFrac: 0x80000000,
    rtpTimestamp: 0x1000,
    packetCount: 16,
    octetCount: 1024,
    reports: [
      {
        ssrc: 0x22222222,
        fractionLost: 64,
        packetsLost: -2,
        highestSeq: 0x10005,
        jitter: 32,
        lsr: 0x3a008000,
        dlsr: 0x10000,
      },
    ],
  });
});

test('compound: SR + SDES + BYE + APP(skipped) + feedback', () => {
  const pkts = parseRtcp(hex(SR + SDES + BYE + APP + NACK + TWCC + PLI + FIR + REMB));
  assert.deepEqual(
    pkts.map((p) => p.type),
    ['sr', 'sdes', 'bye', 'nack', 'twcc', 'pli', 'fir', 'remb'],
  );
  assert.deepEqual(pkts[1], { type: 'sdes', chunks: [{ ssrc: 0x11111111, cname: 'hello' }] });
  assert.deepEqual(pkts[2], { type: 'bye', ssrcs: [0x11111111], reason: 'bye!' });
  assert.deepEqual(pkts[3], { type: 'nack', senderSsrc: 0x11111111, mediaSsrc: 0x22222222, seqs: [100, 101, 103] });
  assert.deepEqual(pkts[4], {
    type: 'twcc',
    senderSsrc: 0x11111111,
    mediaSsrc: 0x22222222,
    baseSeq: 5,
    packetStatusCount: 3,
    referenceTime: -1,
    fbPktCount: 7,
  });
  assert.deepEqual(pkts[5], { type: 'pli', senderSsrc: 0x11111111, mediaSsrc: 0x22222222 });
  assert.deepEqual(pkts[6], {
    type: 'fir',
    senderSsrc: 0x11111111,
    mediaSsrc: 0,
    entries: [{ ssrc: 0x22222222, seq: 7 }],
  });
  assert.deepEqual(pkts[7], { type: 'remb', senderSsrc: 0x11111111, bitrate: 0x12345 * 8, ssrcs: [0x22222222] });
});

test('NACK across the wrap expands to 16-bit seqs', () => {
  const [n] = parseRtcp(hex('81 cd 0003 00000001 00000002 fffe 0003'));
  assert.deepEqual(n, { type: 'nack', senderSsrc: 1, mediaSsrc: 2, seqs: [65534, 65535, 0] });
});

test('unknown types and XR come back as other; RR with padding', () => {
  const pkts = parseRtcp(hex('80 cf 0001 11111111' + '8a cd 0002 00000001 00000002' + 'a0 c9 0002 00000009 00000004'));
  assert.deepEqual(pkts[0], { type: 'other', pt: 207, fmt: 0, offset: 0, length: 8 });
  assert.deepEqual(pkts[1], { type: 'other', pt: 205, fmt: 10, offset: 8, length: 12 });
  assert.deepEqual(pkts[2], { type: 'rr', ssrc: 9, reports: [] });
});

test('isRtcp demux (RFC 5761)', () => {
  assert.equal(isRtcp(hex(PLI)), true);
  assert.equal(isRtcp(hex(SR)), true);
  assert.equal(isRtcp(hex('80 6f 0001 00000000 00000000')), false); // RTP PT 111
  assert.equal(isRtcp(hex('80 e4 0001 00000000 00000000')), false); // RTP PT 100 with marker
  assert.equal(isRtcp(hex('80 c8')), false);
  assert.equal(isRtcp(Buffer.alloc(0)), false);
});

function expectError(b: Buffer, re: RegExp): void {
  assert.throws(
    () => parseRtcp(b),
    (e: unknown) => e instanceof RtcpError && re.test(e.message),
  );
}

test('malformed packets throw RtcpError naming the packet', () => {
  expectError(Buffer.alloc(0), /shorter than a header/);
  expectError(hex(SR + '81 ce 0003 11111111 22222222'), /PSFB fmt 1 at offset 52: length 16 runs past the end/);
  expectError(hex('41 ce 0002 11111111 22222222'), /version 1/);
  expectError(hex('81 c8 0006 11111111 e54c3a00 80000000 00001000 00000010 00000400'), /SR at offset 0: needs 52/);
  expectError(hex('82 c9 0007 00000001' + '22222222 40 fffffe 00010005 00000020 3a008000 00010000'), /RR .* needs 56/);
  expectError(hex('81 ca 0002 11111111 01 05 6865'), /SDES .* item 1 runs past/);
  expectError(hex('81 ca 0002 11111111 02 02 6865'), /SDES .* no terminating null/);
  expectError(hex('81 cd 0002 11111111 22222222'), /RTPFB fmt 1 .* FCI length 0/);
  expectError(hex('84 ce 0003 11111111 00000000 22222222'), /PSFB fmt 4 .* multiple of 8/);
  expectError(hex('8f ce 0004 11111111 00000000 52454d42 05 0d 2345'), /REMB lists 5 ssrcs/);
  expectError(hex('a1 ce 0002 11111111 22222222'), /bad padding count 34/);
  expectError(hex(PLI + '81'), /truncated header at offset 12/);
  expectError(hex('80 60 0001 00000000'), /not an RTCP packet type/);
  expectError(hex('81 cb 0002 11111111 09 626965'), /reason length 9/);
});

test('RtcpError carries offset and packet type', () => {
  try {
    parseRtcp(hex(PLI + '81 cd 0009 00000000'));
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof RtcpError);
    assert.equal(e.offset, 12);
    assert.equal(e.packetType, 205);
  }
});

const block: ReportBlock = {
  ssrc: 7,
  fractionLost: 3,
  packetsLost: -5,
  highestSeq: 0x2ffff,
  jitter: 9,
  lsr: 10,
  dlsr: 11,
};

test('SR/RR/SDES/BYE builders round trip', () => {
  const info = { ssrc: 1, ntpSec: 0xfffffff0, ntpFrac: 2 ** 31, rtpTimestamp: 123, packetCount: 4, octetCount: 5 };
  const compound = Buffer.concat([
    buildSr(info, [block]),
    buildRr(2, [block, { ...block, ssrc: 8, packetsLost: 0x7fffff }]),
    buildRr(3),
    buildSdes([
      { ssrc: 1, cname: 'abc' },
      { ssrc: 2, cname: 'wxyz' },
    ]),
    buildBye([1, 2], 'gone'),
    buildBye([3]),
  ]);
  assert.deepEqual(parseRtcp(compound), [
    { type: 'sr', ...info, reports: [block] },
    { type: 'rr', ssrc: 2, reports: [block, { ...block, ssrc: 8, packetsLost: 0x7fffff }] },
    { type: 'rr', ssrc: 3, reports: [] },
    {
      type: 'sdes',
      chunks: [
        { ssrc: 1, cname: 'abc' },
        { ssrc: 2, cname: 'wxyz' },
      ],
    },
    { type: 'bye', ssrcs: [1, 2], reason: 'gone' },
    { type: 'bye', ssrcs: [3] },
  ]);
  assert.equal(buildRr(3).length, 8);
  assert.throws(() => buildRr(1, new Array(32).fill(block)), RtcpError);
});

test('packNack packs PID+BLP wrap-aware', () => {
  assert.deepEqual(packNack([100, 101, 103]), [100, 0b101]);
  assert.deepEqual(packNack([65534, 65535, 0, 1]), [65534, 0b111]);
  assert.deepEqual(packNack([1, 0, 65535, 65534]), [65534, 0b111], 'order does not matter');
  assert.deepEqual(packNack([10, 26, 27, 10]), [10, 0x8000, 27, 0]);
  assert.deepEqual(packNack([65530, 11]), [65530, 0, 11, 0]);
  assert.deepEqual(packNack([65530, 10]), [65530, 0x8000]);
  assert.deepEqual(packNack([]), []);
});

test('buildNack round trip incl. wrap and many seqs', () => {
  const seqs: number[] = [];
  for (let i = 0; i < 100; i += 3) seqs.push((65500 + i) & 0xffff);
  const [n] = parseRtcp(buildNack(5, 6, seqs));
  assert.deepEqual(n, { type: 'nack', senderSsrc: 5, mediaSsrc: 6, seqs });
  const [w] = parseRtcp(buildNack(5, 6, [65535]));
  assert.deepEqual(w, { type: 'nack', senderSsrc: 5, mediaSsrc: 6, seqs: [65535] });
  assert.throws(() => buildNack(1, 2, []), RtcpError);
});

test('PLI, FIR, REMB builders', () => {
  assert.deepEqual(buildPli(0x11111111, 0x22222222), hex(PLI));
  assert.deepEqual(buildFir(0x11111111, [{ ssrc: 0x22222222, seq: 7 }]), hex(FIR));
  assert.deepEqual(parseRtcp(buildRemb(0x11111111, 0x12345 * 8, [0x22222222])), parseRtcp(hex(REMB)));
  assert.deepEqual(buildRemb(1, 0x12345, []), hex('8f ce 0004 00000001 00000000 52454d42 00 01 2345'));
  const [f] = parseRtcp(
    buildFir(1, [
      { ssrc: 2, seq: 255 },
      { ssrc: 3, seq: 256 },
    ]),
  );
  assert.deepEqual(f, {
    type: 'fir',
    senderSsrc: 1,
    mediaSsrc: 0,
    entries: [
      { ssrc: 2, seq: 255 },
      { ssrc: 3, seq: 0 },
    ],
  });
  for (const bps of [0, 1, 300_000, 2_500_000, 1e9, 2 ** 40]) {
    const [r] = parseRtcp(buildRemb(1, bps, [2, 3]));
    assert.equal(r.type, 'remb');
    if (r.type !== 'remb') return;
    assert.deepEqual(r.ssrcs, [2, 3]);
    assert.ok(r.bitrate <= bps && r.bitrate >= bps * (1 - 2 ** -17), `${bps} -> ${r.bitrate}`);
  }
});
