// One size of `npm run bench:load` on Janus (Debian's package, VideoRoom plugin over its HTTP API), the
// same load as on Parley. Run by load.ts inside the benchmark's network namespace (see createNetns):
//   ip netns exec <ns> node --import tsx tests/bench/load-janus.ts --participants 4 --seconds 10 --address 10.99.0.1
// and prints its row as one JSON line on stdout.
import { startLoopbackStun } from '@parley/bridge/testing';
import { createRoom, JanusEndpoint } from './janus-endpoint.js';
import { startJanus } from './janus-server.js';
import { measureLoad, type LoadRow } from './load-traffic.js';

export async function runJanus(n: number, seconds: number, address: string): Promise<LoadRow> {
  const stun = await startLoopbackStun();
  const janus = await startJanus(address);
  const eps: JanusEndpoint[] = [];
  try {
    const room = await createRoom(janus.url, n);
    const net = { stunPort: stun.port, host: address };
    for (let i = 0; i < n; i++) eps.push(await JanusEndpoint.publish(janus.url, room, `P${i}`, net));
    await Promise.all(eps.map((e) => e.connected(30_000)));
    for (const e of eps) await e.subscribe(eps.filter((x) => x !== e).map((x) => x.feedId));
    await Promise.all(eps.map((e) => e.connected(30_000)));
    return await measureLoad('Janus', janus.child.pid!, eps, seconds);
  } finally {
    for (const e of eps) await e.close().catch(() => {});
    await janus.stop();
    await stun.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => process.argv[process.argv.indexOf(`--${name}`) + 1];
  const row = await runJanus(Number(arg('participants')), Number(arg('seconds')), arg('address'));
  process.stdout.write(`${JSON.stringify(row)}\n`);
  process.exit(0);
}
