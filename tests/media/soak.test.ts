// Soak: headless participants with real media join and leave several rooms in a churn that a seeded
// PRNG drives, while a stable pair in a room of its own keeps talking. At the end everyone has left,
// and the focus's and the bridge's process (a child of this test, stack-process.ts) must hold what it
// held before: conferences, participants, endpoints, their SRTP/SRTCP states, transports, file
// descriptors, sockets, active handles and timers exactly; heap after a forced GC within a stated
// tolerance. During the churn no endpoint's SRTP state passes the per-context cap.
// Short in `npm test`; longer with PARLEY_SOAK=long or PARLEY_SOAK_CYCLES=<n>; PARLEY_SOAK_SEED=<n>.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pick, prng, type Rnd } from '@parley/protocol/fuzz';
import { waitUntil } from '../integration/harness.js';
import { HeadlessCrowd, type HeadlessEndpoint } from './headless-endpoint.js';
import { StackProcess } from './stack-child.js';
import type { StackProbe } from './stack-process.js';
import { MAX_RECEIVE_SSRCS } from '../../packages/bridge/src/srtp/index.js';

const env = process.env;
const cycles = Number(env.PARLEY_SOAK_CYCLES) || (env.PARLEY_SOAK === 'long' ? 150 : 6);
const seed = Number(env.PARLEY_SOAK_SEED) || 0x50a4;
/** The stable pair meets in the first room; the churn runs in all three (its joiners meet the pair there). */
const ROOMS = ['stable', 'churn-b', 'churn-c'];
const MAX_PER_ROOM = 3;
/**
 * Heap growth allowed from the warmed-up baseline to the end. V8's heap after a full GC still moves
 * by a few hundred KB run to run (code and inline caches, string tables); a leak of one participant's
 * state per join (peer connection maps, SRTP contexts, caches: tens of KB each) crosses this within
 * the short run's joins. The long run allows the same: a leak grows with joins, noise does not.
 */
const HEAP_TOLERANCE_BYTES = 3 * 1024 * 1024;

let stack: StackProcess;
let crowd: HeadlessCrowd;

before(async () => {
  crowd = await HeadlessCrowd.start();
  stack = await StackProcess.start();
});
after(async () => {
  await crowd?.close();
  await stack?.close();
});

const join = (room: string, name: string, connected = true) =>
  crowd.join(stack, room, name, connected ? 20_000 : undefined);
const leave = (e: HeadlessEndpoint) => crowd.leave(e);

/** `tx` sends a burst of audio; resolves once `rx` has all of it. */
async function hears(rx: HeadlessEndpoint, tx: HeadlessEndpoint, firstIndex: number, n = 20): Promise<void> {
  await tx.send('audio', n, { firstIndex, intervalMs: 5 });
  await waitUntil(
    `${rx.endpointId} receives ${tx.endpointId}'s audio ${firstIndex}..${firstIndex + n - 1}`,
    () => [...(rx.stream(tx.ssrc('audio'))?.indexes ?? [])].filter((i) => i >= firstIndex).length >= n,
    15_000,
  );
}

/** Counts that must come back exactly, by name. */
function counts(p: StackProbe): Record<string, number> {
  const c: Record<string, number> = {
    focusConferences: p.focusConferences,
    focusParticipants: p.focusParticipants,
    bridgeConferences: p.bridgeConferences,
    bridgeEndpoints: p.bridgeEndpoints,
    portTransports: p.portTransports,
    portTcpConnections: p.portTcpConnections,
    fds: p.fds,
    sockets: p.sockets,
    prosodyFds: p.prosodyFds,
    // SRTP/SRTCP per-SSRC state of every endpoint, both directions: streams and RTCP reporters that
    // left are forgotten (Conference.forgetSsrcs, RtcpReporters), so it comes back too.
    bridgeSrtpStates: p.srtpStates,
  };
  for (const [k, v] of Object.entries(p.resources)) c[`handles.${k}`] = v;
  return c;
}

/** The most SSRCs one endpoint's SRTP contexts hold state for in one table (send, receive, SRTCP receive, sent to). */
function largestSrtpTable(p: StackProbe): { endpoint: string; table: string; size: number } {
  const endpoints = JSON.parse(p.srtpDetail) as { endpoint: string; states: Record<string, number[]> }[];
  let largest = { endpoint: '-', table: '-', size: 0 };
  for (const e of endpoints)
    for (const [table, ssrcs] of Object.entries(e.states))
      if (ssrcs.length > largest.size) largest = { endpoint: e.endpoint, table, size: ssrcs.length };
  return largest;
}

function differences(base: Record<string, number>, now: Record<string, number>): string[] {
  const keys = new Set([...Object.keys(base), ...Object.keys(now)]);
  return [...keys].filter((k) => (base[k] ?? 0) !== (now[k] ?? 0)).map((k) => `${k} ${base[k] ?? 0} -> ${now[k] ?? 0}`);
}

/** Probes until every count is back at `base` (bounded: leaves and expiries take a moment). */
async function settled(base: StackProbe, timeoutMs = 45_000): Promise<{ probe: StackProbe; diff: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = await stack.probe();
    const diff = differences(counts(base), counts(probe));
    if (!diff.length || Date.now() > deadline) return { probe, diff };
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The first probe whose counts equal the one before (no leave or timer still under way) and that
 * `ready` accepts; by default: no conference anywhere.
 */
async function quiet(
  ready = (p: StackProbe) => p.focusConferences + p.bridgeConferences + p.portTransports === 0,
  timeoutMs = 45_000,
): Promise<StackProbe> {
  const deadline = Date.now() + timeoutMs;
  let last: StackProbe | undefined;
  for (;;) {
    const p = await stack.probe();
    if (ready(p) && last && !differences(counts(last), counts(p)).length) return p;
    if (Date.now() > deadline) throw new Error(`the stack did not settle: ${JSON.stringify(counts(p))}`);
    last = p;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** One step of the churn in one room: a join (sometimes one that leaves before its media connects) or a leave. */
async function churnStep(rnd: Rnd, room: string, members: HeadlessEndpoint[], stats: Record<string, number>) {
  const joining = members.length === 0 || (members.length < MAX_PER_ROOM && rnd() < 0.55);
  if (joining) {
    const early = rnd() < 0.15;
    const e = await join(room, `${room}-${stats.joins}`, !early);
    stats.joins++;
    if (early) {
      stats.earlyLeaves++;
      await leave(e);
      return;
    }
    members.push(e);
    await e.send('audio', 5, { intervalMs: 5 });
    await e.send('video', 5, { intervalMs: 5 });
    return;
  }
  const e = pick(rnd, members);
  members.splice(members.indexOf(e), 1);
  stats.leaves++;
  await leave(e);
}

test(`soak: ${cycles} cycles of join/leave churn in ${ROOMS.length} rooms; the stack comes back to its baseline`, async (t) => {
  const rnd = prng(seed);
  const replay = `PARLEY_SOAK_SEED=${seed} PARLEY_SOAK_CYCLES=${cycles} node --import tsx --test tests/media/soak.test.ts`;
  t.diagnostic(`seed ${seed}; replay: ${replay}`);
  try {
    // Warm-up: the first conference creates what lives as long as the process (compiled code,
    // certificates, caches). The baseline is taken after it, with nobody in any room.
    const w = [await join('warm-up', 'W1'), await join('warm-up', 'W2')];
    await hears(w[1], w[0], 0);
    for (const e of w) await leave(e);
    const baseline = await quiet();

    const [s1, s2] = [await join('stable', 'S1'), await join('stable', 'S2')];
    await waitUntil('the stable pair knows each other', () =>
      [s1, s2].every((e) => e.remote!.remoteSourceNames().length === 2),
    );
    await Promise.all([s1.negotiated(), s2.negotiated()]);
    await hears(s2, s1, 0);
    await hears(s1, s2, 0);
    // The pair alone, before the churn: what a long meeting holds must not grow with who came and went.
    const pairBefore = await quiet((p) => p.bridgeEndpoints === 2);
    const members = new Map(ROOMS.map((r) => [r, [] as HeadlessEndpoint[]]));
    const stats = { joins: 0, leaves: 0, earlyLeaves: 0, stableBursts: 2 };
    const heaps: number[] = [];
    let srtpHigh = 0;
    for (let cycle = 1; cycle <= cycles; cycle++) {
      // One PRNG draw order per cycle (rooms in turn), then the rooms' steps run at the same time.
      const steps = ROOMS.map((room) => {
        const sub = prng(Math.floor(rnd() * 2 ** 32));
        return () => churnStep(sub, room, members.get(room)!, stats);
      });
      await Promise.all(steps.map((s) => s()));
      await hears(s2, s1, cycle * 20);
      await hears(s1, s2, cycle * 20);
      stats.stableBursts += 2;
      if (cycle % 5 === 0 || cycle === cycles) {
        const p = await stack.probe();
        heaps.push(p.heapWithoutCode);
        const largest = largestSrtpTable(p);
        srtpHigh = Math.max(srtpHigh, largest.size);
        // A browser uses about 15 SSRCs; the bound is what an endpoint flooding new ones would reach.
        assert.ok(
          largest.size <= MAX_RECEIVE_SSRCS,
          `cycle ${cycle}: endpoint ${largest.endpoint} holds SRTP state for ${largest.size} SSRCs (${largest.table}), over the cap ${MAX_RECEIVE_SSRCS}`,
        );
      }
    }
    for (const list of members.values()) for (const e of list.splice(0)) await leave(e);
    const pairAfter = await settled(pairBefore);
    await leave(s1);
    await leave(s2);
    const { probe: end, diff } = await settled(baseline);
    const mb = (b: number) => `${(b / 1048576).toFixed(2)} MB`;
    const heap = (p: StackProbe) => `heap ${mb(p.heapUsed)} (${mb(p.heapWithoutCode)} without code)`;
    t.diagnostic(
      `soak: ${cycles} cycles, ${ROOMS.length} rooms, ${stats.joins} joins (${stats.earlyLeaves} left before connecting), ${stats.leaves} leaves, ${stats.stableBursts} stable bursts heard`,
    );
    t.diagnostic(`soak: baseline    ${JSON.stringify(counts(baseline))} ${heap(baseline)}`);
    t.diagnostic(`soak: end         ${JSON.stringify(counts(end))} ${heap(end)}`);
    t.diagnostic(`soak: pair before ${JSON.stringify(counts(pairBefore))} ${heap(pairBefore)}`);
    t.diagnostic(`soak: pair after  ${JSON.stringify(counts(pairAfter.probe))} ${heap(pairAfter.probe)}`);
    t.diagnostic(
      `soak: bridge SRTP states baseline ${baseline.srtpStates}, end ${end.srtpStates}, pair ${pairBefore.srtpStates} -> ${pairAfter.probe.srtpStates}, largest table of one endpoint during the churn ${srtpHigh}`,
    );
    t.diagnostic(`soak: heap without code every 5 cycles: ${heaps.map(mb).join(', ')}`);
    assert.deepEqual(
      pairAfter.diff,
      [],
      `the stable pair's meeting holds what it held before the churn; SRTP states before ${pairBefore.srtpDetail}, after ${pairAfter.probe.srtpDetail}`,
    );
    assert.deepEqual(diff, [], 'everything the focus and bridge held comes back to the baseline');
    for (const [what, from, to] of [
      ["the pair's meeting", pairBefore, pairAfter.probe],
      ['the empty stack', baseline, end],
    ] as const) {
      const growth = to.heapWithoutCode - from.heapWithoutCode;
      assert.ok(
        growth < HEAP_TOLERANCE_BYTES,
        `${what}: heap after GC (without code) grew ${mb(growth)} over ${stats.joins} joins (tolerance ${mb(HEAP_TOLERANCE_BYTES)})`,
      );
    }
    assert.deepEqual(end.errors, [], 'no error was logged by the focus or the bridge');
  } catch (err) {
    const logs = await stack.recentLogs(80);
    (err as Error).message += `\n  soak seed ${seed}; replay: ${replay}\n  stack's last log lines:\n${logs.join('\n')}`;
    throw err;
  }
});
