// One size of `npm run bench:load` on Parley: a real `parley start` (Prosody + focus + bridge as child
// processes); the generator processes' headless werift endpoints join through the real signaling path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickStartPorts, startCli, startFlags } from '../integration/cli-process.js';
import { startGenerators, type GeneratorPool } from './load-pool.js';
import type { LoadRow } from './load-traffic.js';

export async function runParley(n: number, seconds: number, generators: number): Promise<LoadRow> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-load-'));
  const ports = await pickStartPorts();
  const server = await startCli(startFlags(dataDir, ports, 'bench.parley.test'));
  const target = {
    domain: 'bench.parley.test',
    mucDomain: 'conference.bench.parley.test',
    focusJid: server.info.focus.jid,
    c2sPort: ports.xmpp,
  };
  let pool: GeneratorPool | undefined;
  try {
    pool = await startGenerators(generators, { server: 'parley', participants: n, room: 'load', target });
    return await pool.measure('Parley', server.child.pid!, seconds);
  } finally {
    await pool?.close();
    await server.stop().catch(() => server.child.kill('SIGKILL'));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
