// One size of `npm run bench:load` on Janus (Debian's package, VideoRoom plugin over its HTTP API), the
// same load as on Parley. Run by load.ts inside the benchmark's network namespace (see createNetns), with
// its generator processes (forked from here, so in the namespace too):
//   ip netns exec <ns> node --import tsx tests/bench/load-janus.ts --participants 4 --seconds 10 \
//     --generators 2 --address 10.99.0.1
// and prints its row as one JSON line on stdout.
import { createRoom } from './janus-endpoint.js';
import { startJanus } from './janus-server.js';
import { startGenerators, type GeneratorPool } from './load-pool.js';
import type { LoadRow } from './load-traffic.js';

export async function runJanus(n: number, seconds: number, generators: number, address: string): Promise<LoadRow> {
  const janus = await startJanus(address);
  let pool: GeneratorPool | undefined;
  try {
    const room = await createRoom(janus.url, n);
    pool = await startGenerators(generators, { server: 'janus', participants: n, room, url: janus.url, host: address });
    return await pool.measure('Janus', janus.child.pid!, seconds);
  } finally {
    await pool?.close();
    await janus.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.once('SIGTERM', () => process.exit(143));
  const arg = (name: string) => process.argv[process.argv.indexOf(`--${name}`) + 1];
  const n = Number(arg('participants'));
  const row = await runJanus(n, Number(arg('seconds')), Number(arg('generators')), arg('address'));
  process.stdout.write(`${JSON.stringify(row)}\n`);
  process.exit(0);
}
