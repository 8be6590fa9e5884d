// Fuzz of the authenticated media path: one endpoint of a live three-endpoint conference sends seeded
// junk RTP and RTCP protected with its own SRTP/SRTCP keys, so the junk passes authentication and
// reaches the bridge's RTP/RTCP parsers, feedback handling and forwarding. Afterwards the other two
// still hear each other and the fuzzer's real media, a newcomer gets in, the bridge logged no error
// and no handler threw (junk is dropped with a named counter: rtp-bad-*, rtcp-malformed, unknown-ssrc...;
// an exception out of a handler is counted `handler-threw` and logged as an error). A failure names its
// seed and the command that replays it.
// PARLEY_FUZZ_SEEDS=1-20 widens a run, PARLEY_FUZZ=long sends 20x the inputs per seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzPlan, prng } from '@parley/protocol/fuzz';
import { waitUntil } from '../integration/harness.js';
import type { HeadlessEndpoint } from './headless-endpoint.js';
import { useHeadlessStack } from './headless-stack.js';
import { junkRtcp, junkRtp, type JunkTargets } from '../../packages/bridge/src/model/fixtures/rtp-junk.js';

const plan = fuzzPlan({ seeds: [1, 2, 3], inputs: 400 }, process.env);
const headless = useHeadlessStack();

const join = (room: string, name: string) => headless.crowd.join(headless.stack, room, name, 20_000);

/** `tx` sends a numbered burst of `kind` from `firstSeq`; resolves once every `rx` has all of it. */
async function heard(tx: HeadlessEndpoint, rxs: HeadlessEndpoint[], kind: 'audio' | 'video', at: number) {
  await tx.send(kind, 20, { firstIndex: at, firstSeq: seqBase(tx, kind) - at, intervalMs: 5 });
  seqs.set(`${tx.endpointId}-${kind}`, seqBase(tx, kind) + 20);
  for (const rx of rxs)
    await waitUntil(
      `${rx.endpointId} receives ${tx.endpointId}'s ${kind} ${at}..${at + 19}`,
      () => [...(rx.stream(tx.ssrc(kind))?.indexes ?? [])].filter((i) => i >= at && i < at + 20).length === 20,
      15_000,
    );
}

/** The next RTP sequence number of each real stream: the junk on the fuzzer's own SSRCs continues it. */
const seqs = new Map<string, number>();
const seqBase = (e: HeadlessEndpoint, kind: 'audio' | 'video') => seqs.get(`${e.endpointId}-${kind}`) ?? 1000;

/** What werift's DTLS transport of a peer connection offers for sending already-protected packets. */
interface DtlsInternals {
  srtp: { encrypt(payload: Buffer, header: object): Buffer };
  srtcp: { encrypt(raw: Buffer): Buffer };
  iceTransport: { connection: { send(b: Buffer): Promise<void> } };
}

/** Sends raw RTP/RTCP bytes as `e`, protected with its own SRTP/SRTCP context (so they authenticate). */
function rawSender(e: HeadlessEndpoint) {
  const dtls = (e.pc.getTransceivers()[0].sender as unknown as { dtlsTransport: DtlsInternals }).dtlsTransport;
  return {
    rtp(packet: Buffer, headerLength: number, ssrc: number, seq: number): Promise<void> {
      const head = packet.subarray(0, headerLength);
      // werift's SRTP takes a header object; this one serializes to the junk header as it is.
      const header = { ssrc, sequenceNumber: seq, serializeSize: head.length, serialize: () => head };
      return dtls.iceTransport.connection.send(dtls.srtp.encrypt(packet.subarray(headerLength), header));
    },
    rtcp: (compound: Buffer) => dtls.iceTransport.connection.send(dtls.srtcp.encrypt(compound)),
  };
}

/** For a failure's message: the bridge's conferences (who gets which video) and drop counters, what each endpoint got. */
function whatTheBridgeHas(): string {
  const lines = [`  bridge drops ${JSON.stringify(Object.fromEntries(headless.stack.sfu!.bridge.counters.drops))}`];
  for (const c of headless.stack.sfu!.bridge.conferences.values())
    for (const e of c.endpoints.values())
      lines.push(`  bridge endpoint ${e.id} gets video ${e.forwardedVideo.join(',')}`);
  for (const e of headless.crowd.endpoints) {
    const got = [...e.received].map(([ssrc, r]) => `${ssrc}:${r.packets}/${r.intact}`).join(' ');
    lines.push(`  ${e.endpointId} (${e.pc.connectionState}) sends ${e.ssrc('audio')},${e.ssrc('video')}; got ${got}`);
  }
  return lines.join('\n');
}

const errorLines = () => headless.stack.logs.filter((l) => /"level":"error"/.test(l));

test(`fuzz: junk RTP/RTCP through SRTP from one endpoint of three (${plan.seeds.length} seeds x ${plan.inputs})`, async (t) => {
  const counters = headless.stack.sfu!.bridge.counters;
  const totals = { rtp: 0, rtcp: 0, authenticated: 0 };
  const dropsBefore = new Map(counters.drops);
  for (const seed of plan.seeds) {
    const replay = `PARLEY_FUZZ_SEEDS=${seed}${process.env.PARLEY_FUZZ === 'long' ? ' PARLEY_FUZZ=long' : ''} node --import tsx --test tests/media/rtp-fuzz.test.ts`;
    try {
      const room = `fuzz-${seed}`;
      const [b, c, f] = [await join(room, 'B'), await join(room, 'C'), await join(room, 'F')];
      await waitUntil('everyone was told about everyone', () =>
        [b, c, f].every((e) => e.remote!.remoteSourceNames().length === 4),
      );
      await Promise.all([b, c, f].map((e) => e.negotiated()));
      for (const kind of ['audio', 'video'] as const) await heard(f, [b, c], kind, 0);

      const own = [f.ssrc('audio'), f.ssrc('video'), f.pc.getTransceivers()[1].sender.rtxSsrc];
      const next = new Map(own.map((s, i) => [s, i < 2 ? seqBase(f, i === 0 ? 'audio' : 'video') : 20_000]));
      const targets: JunkTargets = {
        own,
        others: [b, c].flatMap((e) => [e.ssrc('audio'), e.ssrc('video')]),
        nextSeq(ssrc) {
          const s = next.get(ssrc)!;
          next.set(ssrc, s + 1);
          return s;
        },
      };
      const send = rawSender(f);
      const rnd = prng(seed);
      const inBefore = counters.packetsIn;
      const srtpDropsBefore = srtpDrops(counters.drops);
      for (let i = 0; i < plan.inputs; i++) {
        if (rnd() < 0.6) {
          const j = junkRtp(rnd, targets);
          await send.rtp(j.packet, j.headerLength, j.ssrc, j.seq);
          totals.rtp++;
        } else {
          await send.rtcp(junkRtcp(rnd, targets));
          totals.rtcp++;
        }
        // A breath every 20 packets: loopback UDP buffers would drop a burst before the bridge sees it.
        if (i % 20 === 19) await new Promise((r) => setTimeout(r, 2));
      }
      // The fuzzer's real streams go on after the junk's sequence numbers.
      seqs.set(`${f.endpointId}-audio`, next.get(own[0])!);
      seqs.set(`${f.endpointId}-video`, next.get(own[1])!);
      for (const kind of ['audio', 'video'] as const) {
        await heard(b, [c], kind, 100);
        await heard(c, [b], kind, 100);
        await heard(f, [b, c], kind, 100);
        await heard(b, [f], kind, 120);
      }
      await waitUntil('the bridge counted the junk', () => counters.packetsIn - inBefore >= plan.inputs / 2);
      // Junk is rejected with a named drop counter; `handler-threw` counts exceptions out of a handler.
      const threw = (counters.drops.get('handler-threw') ?? 0) - (dropsBefore.get('handler-threw') ?? 0);
      assert.equal(threw, 0, `${threw} packets made a bridge packet handler throw (see packet.handler_threw)`);
      totals.authenticated += Math.max(
        0,
        counters.packetsIn - inBefore - (srtpDrops(counters.drops) - srtpDropsBefore),
      );
      const late = await join(room, 'Late');
      await waitUntil('the newcomer knows the fuzzer', () => late.remote!.remoteSourceNames().length === 6);
      await late.negotiated();
      await heard(f, [late], 'video', 200);
      const conference = [...headless.stack.sfu!.bridge.conferences.values()].find((x) =>
        x.endpoints.has(f.endpointId),
      );
      assert.equal(conference?.endpoints.size, 4, "the fuzzer's conference on the bridge has its four endpoints");
      assert.deepEqual(errorLines(), [], 'the bridge and the focus logged no error');
      for (const e of [b, c, f, late]) await e.close();
    } catch (err) {
      (err as Error).message += `\n  fuzz seed ${seed}; replay: ${replay}\n${whatTheBridgeHas()}`;
      throw err;
    }
  }
  const drops = [...counters.drops]
    .map(([k, v]) => [k, v - (dropsBefore.get(k) ?? 0)] as const)
    .filter(([, v]) => v > 0);
  t.diagnostic(
    `fuzz: ${plan.seeds.length} seeds, ${totals.rtp} junk RTP + ${totals.rtcp} junk RTCP sent, ` +
      `about ${totals.authenticated} packets (junk and real) authenticated; drops ${JSON.stringify(Object.fromEntries(drops))}; ` +
      `seeds ${plan.seeds.join(',')}`,
  );
});

function srtpDrops(drops: Map<string, number>): number {
  let n = 0;
  for (const [k, v] of drops) if (k.startsWith('srtp')) n += v;
  return n;
}
