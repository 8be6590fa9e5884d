// A generator process of `npm run bench:load`: drives its share of the participants (joins them, sends
// their load, records what they receive) on the parent's commands over the IPC channel, and reports its
// own CPU and socket drops so that the generator is never mistaken for the server. See load-pool.ts.
import { startLoopbackStun } from '@parley/bridge/testing';
import { TestParticipant, waitUntil, type Stack } from '../integration/harness.js';
import { HeadlessEndpoint } from '../media/headless-endpoint.js';
import { JanusEndpoint } from './janus-endpoint.js';
import type { ToParent, ToWorker, WorkerSpec } from './load-pool.js';
import { recordReceived, sendFor, socketDrops, type LoadEndpoint } from './load-traffic.js';

/** Wraps a participant right after its join: its tracks are announced once, at negotiation, so listen now. */
function parleyLoadEndpoint(ep: HeadlessEndpoint): LoadEndpoint {
  const listeners: ((payload: Buffer) => void)[] = [];
  ep.pc.onTrack.subscribe((t) => t.onReceiveRtp.subscribe((rtp) => listeners.forEach((l) => l(rtp.payload))));
  return {
    audio: ep.audio,
    video: ep.video,
    ssrc: (kind) => ep.ssrc(kind),
    onPayload: (listener) => listeners.push(listener),
  };
}

const stun = await startLoopbackStun();
const closers: (() => Promise<unknown>)[] = [];
const load: LoadEndpoint[] = [];
const parley: HeadlessEndpoint[] = [];
const janus: JanusEndpoint[] = [];
let recorder: ReturnType<typeof recordReceived> | undefined;
let window: { cpu: NodeJS.CpuUsage; drops: number } | undefined;

const send = (m: ToParent) => process.send!(m);

/** Joins this worker's participants and waits until their peer connections are up. */
async function join(spec: WorkerSpec, names: string[]): Promise<number[]> {
  if (spec.server === 'parley') {
    const stack = { ...spec.target, participant: (name: string) => TestParticipant.connect(spec.target, name) };
    for (const name of names) {
      const ep = await HeadlessEndpoint.join(stack as Stack, spec.room, name, stun.port);
      closers.push(() => ep.close());
      parley.push(ep);
      load.push(parleyLoadEndpoint(ep));
    }
    await Promise.all(parley.map((e) => e.connected(30_000)));
    return [];
  }
  for (const name of names) {
    const ep = await JanusEndpoint.publish(spec.url, spec.room, name, { stunPort: stun.port, host: spec.host });
    closers.push(() => ep.close());
    janus.push(ep);
    load.push(ep);
  }
  await Promise.all(janus.map((e) => e.connected(30_000)));
  return janus.map((e) => e.feedId);
}

/** Once everyone has joined: each participant receives every other one's audio and video. */
async function receiveAll(participants: number, feeds: number[]): Promise<void> {
  if (parley.length) {
    await waitUntil(
      'everyone was told about everyone',
      () => parley.every((e) => e.remote!.remoteSourceNames().length === 2 * (participants - 1)),
      30_000,
    );
    await Promise.all(parley.map((e) => e.negotiated()));
  }
  for (const e of janus) await e.subscribe(feeds.filter((f) => f !== e.feedId));
  await Promise.all(janus.map((e) => e.connected(30_000)));
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.cmd) {
    case 'join': {
      const feeds = await join(m.spec, m.names);
      send({ cmd: 'joined', ssrcs: load.map((e) => ({ audio: e.ssrc('audio'), video: e.ssrc('video') })), feeds });
      return;
    }
    case 'subscribe': {
      await receiveAll(m.participants, m.feeds);
      // Record from now on: another generator may start sending a moment before this one hears 'go'.
      recorder = recordReceived(load);
      send({ cmd: 'ready' });
      return;
    }
    case 'go': {
      window = { cpu: process.cpuUsage(), drops: socketDrops(process.pid) };
      send({ cmd: 'sent', sent: await sendFor(load, m.seconds) });
      return;
    }
    case 'stop': {
      recorder!.stop();
      const cpu = process.cpuUsage(window!.cpu);
      send({
        cmd: 'result',
        received: recorder!.got.map((bySender) =>
          [...bySender].map(([ssrc, r]) => ({ ssrc, count: r.indexes.size, latencies: r.latencies })),
        ),
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        socketDrops: socketDrops(process.pid) - window!.drops,
      });
      return;
    }
    case 'close': {
      for (const close of closers) await close().catch(() => {});
      await stun.close();
      process.exit(0);
    }
  }
}

process.on('message', (m: ToWorker) => {
  handle(m).catch((e: Error) => send({ cmd: 'error', message: e.stack ?? String(e) }));
});
// The parent gone (crashed or killed): nothing will ever ask this process to close.
process.once('disconnect', () => process.exit(1));
send({ cmd: 'started' });
