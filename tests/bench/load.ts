// `npm run bench:load`: the same synthetic conference load on Parley and on Janus, side by side in one run.
// For each meeting size: Parley (a real `parley start`, headless werift endpoints joining through the real
// signaling path) then Janus 1.1 (Debian's package, installed on first use; VideoRoom over its HTTP API),
// full mesh, the same generator and receivers (load-traffic.ts) and the same window. Reports per size and
// server forwarded pkt/s, server CPU (utime+stime of its process tree from /proc), forwarded packets per
// CPU-second, loss by payload index, one-way latency, RSS, drops at the server's sockets, and the
// generator's own CPU and drops (it shares the cores), then Parley/Janus ratios.
// The generator runs in --generators processes (default: one per core, at most one per participant).
// Usage: node --import tsx tests/bench/load.ts [--sizes 2,4,6] [--seconds 10] [--servers parley,janus]
//          [--generators N] [--json]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createNetns, ensureJanus, type BenchNetns } from './janus-server.js';
import { runParley } from './load-parley.js';
import { plotSvg, ratioTable, rowCells, rowColumns, writeSection, type LoadResult } from './load-report.js';
import type { LoadRow } from './load-traffic.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const sizes = arg('sizes', '2,4,6').split(',').map(Number);
const seconds = Number(arg('seconds', '10'));
const servers = arg('servers', 'parley,janus').split(',');
const generators = Number(arg('generators', String(os.cpus().length)));
if (
  sizes.some((n) => !Number.isInteger(n) || n < 2) ||
  !(seconds > 0) ||
  !(Number.isInteger(generators) && generators > 0)
) {
  console.error(
    'bench:load: --sizes takes integers >= 2 (e.g. 2,4,6), --seconds a positive number, ' +
      '--generators a positive integer',
  );
  process.exit(2);
}
if (servers.some((s) => s !== 'parley' && s !== 'janus')) {
  console.error(`bench:load: --servers takes parley, janus or both (got ${servers.join(',')})`);
  process.exit(2);
}

/** One size on Janus, in a child process inside the benchmark's network namespace (see createNetns). */
function runJanusInNetns(netns: BenchNetns, n: number): Promise<LoadRow> {
  const script = fileURLToPath(new URL('./load-janus.ts', import.meta.url));
  const args = ['--import', 'tsx', script, '--participants', String(n), '--seconds', String(seconds)];
  args.push('--generators', String(generators));
  const child = spawn(netns.exec[0], [...netns.exec.slice(1), process.execPath, ...args, '--address', netns.address], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  // A stuck join fails the size after a bound instead of hanging the run.
  const timer = setTimeout(() => child.kill('SIGTERM'), (seconds + 180) * 1000);
  return new Promise((resolve, reject) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as LoadRow);
      else reject(new Error(`janus, ${n} participants: child exited ${code ?? signal}`));
    }),
  );
}

const netns = servers.includes('janus') ? (ensureJanus(), createNetns()) : undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    netns?.remove();
    process.exit(130);
  });
const rows: LoadRow[] = [];
try {
  for (const n of sizes) {
    for (const server of servers) {
      process.stderr.write(`bench:load: ${server}, ${n} participants, ${seconds} s ...\n`);
      const r = server === 'parley' ? await runParley(n, seconds, generators) : await runJanusInNetns(netns!, n);
      process.stderr.write(`bench:load: ${JSON.stringify(r)}\n`);
      rows.push(r);
    }
  }
} finally {
  netns?.remove();
}

const result: LoadResult = {
  title: 'Synthetic conference load: Parley and Janus side by side (`npm run bench:load`)',
  command: `npm run bench:load -- --sizes ${sizes.join(',')} --seconds ${seconds} --generators ${generators}`,
  results: rows,
  tables: [
    { caption: `Full mesh, ${seconds} s window per size and server`, columns: rowColumns, rows: rows.map(rowCells) },
    ratioTable(rows),
  ],
  notes: [
    'Each publisher sends audio 50 pkt/s × 100 B and video ~114 pkt/s × 1100 B; every other participant ' +
      'receives both.',
    'Parley = the `parley start` process tree (Prosody + focus + bridge); Janus = Debian janus 1.1 with only its ' +
      'VideoRoom plugin and HTTP transport, one publisher and one multistream subscriber peer connection per ' +
      'participant. Server CPU is utime+stime of the tree from /proc over the window, per second of window.',
    'Janus never gathers ICE candidates on a loopback interface, so it and its endpoints run in a network ' +
      'namespace the benchmark creates (a veth pair whose both ends stay inside it) and deletes afterwards.',
    `Generator: werift endpoints in ${generators} node processes (at most one per participant), each driving a ` +
      'share of the participants; its CPU (all processes, per second of window) shares the same cores and is ' +
      'reported apart so it is never taken for the server. Socket drops: the drops column of ' +
      '/proc/<pid>/net/udp for the sockets the process tree (or the generator processes) hold.',
    'Where the generator dropped packets at its own sockets or used most of the cores, that size measures the ' +
      "generator as much as the server: its loss, latency and ratios are not the server's alone.",
    'Loss counts payload indexes not received by each receiver from each other publisher; latency is one-way ' +
      '(send time in the payload, same clock).',
  ],
};
if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
const plot = 'bench-load.svg';
writeFileSync(new URL(`../../docs/${plot}`, import.meta.url), plotSvg(rows));
writeSection(new URL('../../docs/benchmarks.md', import.meta.url), result, plot);
process.exit(0);
