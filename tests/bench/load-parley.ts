// One size of `npm run bench:load` on Parley: a real `parley start` (Prosody + focus + bridge as child
// processes) and headless werift endpoints joining through the real signaling path, full mesh.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLoopbackStun } from '@parley/bridge/testing';
import { pickStartPorts, startCli, startFlags } from '../integration/cli-process.js';
import { TestParticipant, waitUntil, type Stack } from '../integration/harness.js';
import { HeadlessEndpoint } from '../media/headless-endpoint.js';
import { measureLoad, type LoadEndpoint, type LoadRow } from './load-traffic.js';

/** Wraps a participant right after its join: its tracks are announced once, at negotiation, so listen now. */
function asLoadEndpoint(ep: HeadlessEndpoint): LoadEndpoint {
  const listeners: ((payload: Buffer) => void)[] = [];
  ep.pc.onTrack.subscribe((t) => t.onReceiveRtp.subscribe((rtp) => listeners.forEach((l) => l(rtp.payload))));
  return {
    audio: ep.audio,
    video: ep.video,
    ssrc: (kind) => ep.ssrc(kind),
    onPayload: (listener) => listeners.push(listener),
  };
}

export async function runParley(n: number, seconds: number): Promise<LoadRow> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-load-'));
  const ports = await pickStartPorts();
  const stun = await startLoopbackStun();
  const server = await startCli(startFlags(dataDir, ports, 'bench.parley.test'));
  const target = {
    domain: 'bench.parley.test',
    mucDomain: 'conference.bench.parley.test',
    focusJid: server.info.focus.jid,
    c2sPort: ports.xmpp,
  };
  const stack = { ...target, participant: (name: string) => TestParticipant.connect(target, name) } as Stack;
  const eps: HeadlessEndpoint[] = [];
  const load: LoadEndpoint[] = [];
  try {
    for (let i = 0; i < n; i++) {
      eps.push(await HeadlessEndpoint.join(stack, 'load', `P${i}`, stun.port));
      load.push(asLoadEndpoint(eps[i]));
    }
    await Promise.all(eps.map((e) => e.connected(30_000)));
    await waitUntil(
      'everyone was told about everyone',
      () => eps.every((e) => e.remote!.remoteSourceNames().length === 2 * (n - 1)),
      30_000,
    );
    await Promise.all(eps.map((e) => e.negotiated()));
    return await measureLoad('Parley', server.child.pid!, load, seconds);
  } finally {
    for (const e of eps) await e.close().catch(() => {});
    await server.stop().catch(() => server.child.kill('SIGKILL'));
    await stun.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
