// Hostile input: only SrtpError with the right reason; forged packets never move the ROC or window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SrtpContext, SrtpError, keyLengths, type SrtpErrorReason, type SrtpProfile } from './index.js';
import { MAX_RECEIVE_SSRCS } from './context.js';
import { buildCompoundRtcp, buildRtp, prng } from './fixtures/util.js';

const ALL: SrtpProfile[] = [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
];

function ctxPair(profile: SrtpProfile, replayWindow?: number) {
  const l = keyLengths(profile);
  const keys = { profile, masterKey: randomBytes(l.key), masterSalt: randomBytes(l.salt) };
  return { tx: new SrtpContext(keys), rx: new SrtpContext(keys, replayWindow ? { replayWindow } : undefined) };
}

function reasonOf(f: () => unknown): SrtpErrorReason | 'none' {
  try {
    f();
    return 'none';
  } catch (e) {
    assert.ok(e instanceof SrtpError, `expected SrtpError, got ${String(e)}`);
    assert.ok(e.message.includes(e.reason), 'message names the reason');
    return e.reason;
  }
}

for (const profile of ALL) {
  test(`${profile}: random bytes and random version-2 packets -> SrtpError only`, () => {
    const { tx, rx } = ctxPair(profile);
    // give rx some state so both the new-SSRC and known-SSRC paths are hit
    rx.unprotectRtp(tx.protectRtp(buildRtp({ seq: 10, ssrc: 0x01020304, payload: Buffer.alloc(20) })));
    rx.unprotectRtcp(tx.protectRtcp(buildCompoundRtcp(0x01020304, 1)));
    const rnd = prng(99);
    const seen = new Set<string>();
    for (let n = 0; n < 3000; n++) {
      const len = Math.floor(rnd() * 1400);
      const b = randomBytes(len);
      if (n % 2 === 0 && len > 0) b[0] = (b[0] & 0x3f) | 0x80;
      if (n % 4 === 0 && len >= 12) b.writeUInt32BE(0x01020304, 8);
      if (n % 8 === 0 && len >= 8) b.writeUInt32BE(0x01020304, 4);
      const r1 = reasonOf(() => rx.unprotectRtp(b));
      const r2 = reasonOf(() => rx.unprotectRtcp(b));
      assert.notEqual(r1, 'none');
      assert.notEqual(r2, 'none');
      seen.add(r1).add(r2);
    }
    for (const r of ['too-short', 'bad-version', 'auth-failed']) assert.ok(seen.has(r), `saw ${r}`);
  });

  test(`${profile}: truncations, wrong tag, flipped bits, replay, too old`, () => {
    const { tx, rx } = ctxPair(profile, 64);
    const plain = buildRtp({
      seq: 100,
      ssrc: 7,
      csrcs: [1, 2],
      ext: [{ id: 2, data: Buffer.from([1, 2]) }],
      payload: randomBytes(300),
    });
    const good = tx.protectRtp(plain);
    for (let cut = 0; cut < good.length; cut++) {
      const r = reasonOf(() => rx.unprotectRtp(good.subarray(0, cut)));
      assert.ok(r === 'too-short' || r === 'auth-failed', `cut ${cut}: ${r}`);
    }
    const badTag = Buffer.from(good);
    badTag[badTag.length - 1] ^= 1;
    assert.equal(
      reasonOf(() => rx.unprotectRtp(badTag)),
      'auth-failed',
    );
    const badBody = Buffer.from(good);
    badBody[40] ^= 0x80;
    assert.equal(
      reasonOf(() => rx.unprotectRtp(badBody)),
      'auth-failed',
    );
    const v1 = Buffer.from(good);
    v1[0] = (v1[0] & 0x3f) | 0x40;
    assert.equal(
      reasonOf(() => rx.unprotectRtp(v1)),
      'bad-version',
    );
    // extension length pointing past the packet
    const longExt = Buffer.from(good);
    longExt.writeUInt16BE(0xffff, 12 + 8 + 2);
    assert.equal(
      reasonOf(() => rx.unprotectRtp(longExt)),
      'too-short',
    );

    assert.deepEqual(rx.unprotectRtp(good), plain);
    assert.equal(
      reasonOf(() => rx.unprotectRtp(good)),
      'replayed',
    );
    // move ahead by more than the window, then the old one is too old
    const later: Buffer[] = [];
    for (let s = 101; s < 200; s++) later.push(tx.protectRtp(buildRtp({ seq: s, ssrc: 7, payload: Buffer.from([s]) })));
    rx.unprotectRtp(later[later.length - 1]); // seq 199
    assert.equal(
      reasonOf(() => rx.unprotectRtp(later[0])),
      'too-old',
    ); // seq 101: 98 behind, window 64
    assert.deepEqual(rx.unprotectRtp(later[later.length - 10]).subarray(12), Buffer.from([190])); // within window
    assert.equal(
      reasonOf(() => rx.unprotectRtp(later[later.length - 10])),
      'replayed',
    );

    // SRTCP
    const rtcp = tx.protectRtcp(buildCompoundRtcp(7, 1));
    for (let cut = 0; cut < rtcp.length; cut++) {
      const r = reasonOf(() => rx.unprotectRtcp(rtcp.subarray(0, cut)));
      assert.ok(r === 'too-short' || r === 'auth-failed', `rtcp cut ${cut}: ${r}`);
    }
    const rtcpBad = Buffer.from(rtcp);
    rtcpBad[20] ^= 4;
    assert.equal(
      reasonOf(() => rx.unprotectRtcp(rtcpBad)),
      'auth-failed',
    );
    assert.deepEqual(rx.unprotectRtcp(rtcp), buildCompoundRtcp(7, 1));
    assert.equal(
      reasonOf(() => rx.unprotectRtcp(rtcp)),
      'replayed',
    );
    // protect side validation
    assert.equal(
      reasonOf(() => tx.protectRtp(Buffer.alloc(5))),
      'too-short',
    );
    assert.equal(
      reasonOf(() => tx.protectRtp(Buffer.alloc(20))),
      'bad-version',
    );
    assert.equal(
      reasonOf(() => tx.protectRtcp(Buffer.alloc(4))),
      'too-short',
    );
  });

  test(`${profile}: a forged packet does not move the ROC / highest index / window`, () => {
    const { tx, rx } = ctxPair(profile);
    const pkt = (s: number) => tx.protectRtp(buildRtp({ seq: s, ssrc: 5, payload: Buffer.from([s & 0xff, s >> 8]) }));
    // legit stream up to 65530
    const p65530 = pkt(65530);
    rx.unprotectRtp(pkt(65529));
    // forged "seq 3 after the wrap" (would move ROC to 1) and forged "seq 30000" (would move highest)
    for (const s of [3, 30000, 65531]) {
      const forged = Buffer.from(pkt(s));
      forged[forged.length - 2] ^= 0xff;
      assert.equal(
        reasonOf(() => rx.unprotectRtp(forged)),
        'auth-failed',
      );
    }
    // state unchanged: 65530 (ROC 0) and then the genuine 65531 still decrypt
    assert.deepEqual(rx.unprotectRtp(p65530).subarray(12), Buffer.from([65530 & 0xff, 65530 >> 8]));
    assert.deepEqual(rx.unprotectRtp(pkt(65531)).subarray(12), Buffer.from([65531 & 0xff, 65531 >> 8]));
    assert.deepEqual(rx.unprotectRtp(pkt(3)).subarray(12), Buffer.from([3, 0]));
  });

  test(`${profile}: forget(ssrc) drops per-SSRC state`, () => {
    const { tx, rx } = ctxPair(profile);
    const a = tx.protectRtp(buildRtp({ seq: 1, ssrc: 77, payload: Buffer.from('x') }));
    rx.unprotectRtp(a);
    assert.equal(
      reasonOf(() => rx.unprotectRtp(a)),
      'replayed',
    );
    rx.forget(77);
    assert.deepEqual(rx.unprotectRtp(a).subarray(12), Buffer.from('x'));
  });
}

test('an endpoint sending authenticated packets with ever new SSRCs holds at most MAX_RECEIVE_SSRCS states', () => {
  const { tx, rx } = ctxPair('AES_CM_128_HMAC_SHA1_80');
  const real = 0x0a0b0c0d;
  for (let seq = 0; seq < 5; seq++)
    rx.unprotectRtp(tx.protectRtp(buildRtp({ seq, ssrc: real, payload: Buffer.alloc(8) })));
  for (let ssrc = 1; ssrc <= 3 * MAX_RECEIVE_SSRCS; ssrc++) {
    rx.unprotectRtp(tx.protectRtp(buildRtp({ seq: 1, ssrc, payload: Buffer.alloc(8) })));
    rx.unprotectRtcp(tx.protectRtcp(buildCompoundRtcp(ssrc, 1)));
  }
  const states = rx.ssrcStates;
  assert.deepEqual(
    [states.send.length, states.receive.length, states.receiveRtcp.length],
    [0, MAX_RECEIVE_SSRCS, MAX_RECEIVE_SSRCS],
  );
  // The flood pushed out the real stream's state: its next packet starts it again and still authenticates.
  assert.ok(rx.unprotectRtp(tx.protectRtp(buildRtp({ seq: 5, ssrc: real, payload: Buffer.alloc(8) }))));
  tx.forget(real);
  assert.equal(
    tx.ssrcStates.send.length,
    3 * MAX_RECEIVE_SSRCS,
    'send state is not bounded here (the conference forgets it)',
  );
});
