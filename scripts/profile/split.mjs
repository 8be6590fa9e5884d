#!/usr/bin/env node
// Where a bridge process's CPU goes, from a .cpuprofile (e.g. written by scripts/profile/preload.cjs):
// each sample goes to the category of the first frame, walking from the leaf up, that names one
// (SRTP, UDP send, forwarding logic, ...); then the functions with the most self time.
// Usage: node scripts/profile/split.mjs [--media] [--top N] <file.cpuprofile>...
//   --media: only the samples between the first and last one inside Conference.onRtp (the window in
//            which media flowed; startup and signalling left out).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const mediaOnly = args.includes('--media');
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const files = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--top');

const OTHER = 'signalling, focus, other JS';
const bridge = (dir) => (f) => new RegExp(`bridge/(dist|src)/${dir}/`).test(f.url);
const CATEGORIES = [
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['idle', (f) => f.functionName === '(idle)'],
  ['native, unattributed ((program))', (f) => f.functionName === '(program)'],
  ['SRTP', bridge('srtp')],
  [
    'UDP send (dgram, dns.lookup)',
    (f) =>
      (/dgram/.test(f.url) && /send|lookup|afterDns|afterSend/i.test(f.functionName)) ||
      /node:dns/.test(f.url) ||
      (/media-port/.test(f.url) && f.functionName === 'sendTo'),
  ],
  ['UDP receive + demux', (f) => /media-port/.test(f.url) || /dgram/.test(f.url)],
  ['forwarding logic (model, rtp)', (f) => bridge('model')(f) || bridge('rtp')(f) || bridge('forwarding')(f)],
  ['transport (ICE, DTLS, SCTP)', (f) => bridge('transport')(f) || /werift/.test(f.url)],
  [
    'ticks and timers',
    (f) =>
      /timers|task_queues/.test(f.url) || /processTicksAndRejections|listOnTimeout|processTimers/.test(f.functionName),
  ],
  [OTHER, (f) => f.url !== ''],
];

for (const file of files) summarise(file, JSON.parse(readFileSync(file, 'utf8')));

function summarise(file, profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const categoryOf = new Map();
  const classify = (id) => {
    if (categoryOf.has(id)) return categoryOf.get(id);
    const frame = byId.get(id).callFrame;
    let cat = CATEGORIES.find(([, test]) => test(frame))?.[0];
    if (cat === undefined || cat === OTHER) {
      // Native frames and generic JS take the category of their caller.
      const up = parent.get(id);
      const callers = up === undefined ? undefined : classify(up);
      cat = callers && callers !== 'root' && callers !== OTHER ? callers : (cat ?? 'root');
    }
    categoryOf.set(id, cat);
    return cat;
  };

  const times = [];
  let clock = 0;
  for (const d of profile.timeDeltas) times.push((clock += d));
  let keep = () => true;
  if (mediaOnly) {
    const inRtp = new Map();
    const underOnRtp = (id) => {
      if (inRtp.has(id)) return inRtp.get(id);
      const up = parent.get(id);
      const v = byId.get(id).callFrame.functionName === 'onRtp' || (up !== undefined && underOnRtp(up));
      inRtp.set(id, v);
      return v;
    };
    const hits = times.filter((_, i) => underOnRtp(profile.samples[i]));
    const lo = hits[Math.floor(hits.length * 0.01)];
    const hi = hits[Math.floor(hits.length * 0.99)];
    keep = (i) => times[i] >= lo && times[i] <= hi;
  }

  const perCategory = new Map();
  const perFunction = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    if (!keep(i)) return;
    const d = profile.timeDeltas[i] ?? 0;
    total += d;
    const cat = classify(id);
    perCategory.set(cat, (perCategory.get(cat) ?? 0) + d);
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`;
    perFunction.set(name, (perFunction.get(name) ?? 0) + d);
  });
  const busy = total - (perCategory.get('idle') ?? 0);
  const pct = (t) => `${((100 * t) / busy).toFixed(1).padStart(5)} %`;
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (shares of busy)`);
  for (const [cat, t] of [...perCategory].sort((a, b) => b[1] - a[1])) {
    if (cat !== 'idle') console.log(`  ${cat.padEnd(36)} ${pct(t)}`);
  }
  console.log('  most self time:');
  const fns = [...perFunction].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]);
  for (const [name, t] of fns.slice(0, top)) console.log(`    ${pct(t)}  ${name}`);
}
