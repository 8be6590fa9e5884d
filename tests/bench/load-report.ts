// What `npm run bench:load` writes: its section of docs/benchmarks.md (between its markers) and an SVG
// plot of forwarded pkt/s against the server's CPU, one line per server. Hand-written SVG: no dependency.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { LoadRow } from './load-traffic.js';

const START = '<!-- bench:load -->';
const END = '<!-- /bench:load -->';

export interface Table {
  caption: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export interface LoadResult {
  title: string;
  command: string;
  results: LoadRow[];
  tables: Table[];
  notes: string[];
}

export const rowColumns = [
  'participants',
  'server',
  'forwarded pkt/s',
  'server CPU s/s',
  'forwarded pkt per CPU-s',
  'loss %',
  'latency p50 ms',
  'latency p99 ms',
  'server RSS MiB',
  'server socket drops',
  'generator CPU s/s',
  'generator socket drops',
  'generator processes',
];

export function rowCells(r: LoadRow): (string | number | null)[] {
  return [
    r.participants,
    r.server,
    r.forwardedPerSecond,
    r.serverCpuPerSecond,
    r.forwardedPerCpuSecond,
    r.lossPercent,
    r.latencyP50Ms,
    r.latencyP99Ms,
    r.serverRssMiB,
    r.serverSocketDrops,
    Number((r.generatorCpuSeconds / r.window).toFixed(2)),
    r.generatorSocketDrops,
    r.generatorProcesses,
  ];
}

/** Parley/Janus ratios per size, where both ran. */
export function ratioTable(rows: LoadRow[]): Table {
  const sizes = [...new Set(rows.map((r) => r.participants))];
  const ratio = (a: number | null, b: number | null) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
  const out: Table['rows'] = [];
  for (const n of sizes) {
    const p = rows.find((r) => r.participants === n && r.server === 'Parley');
    const j = rows.find((r) => r.participants === n && r.server === 'Janus');
    if (!p || !j) continue;
    out.push([
      n,
      ratio(p.forwardedPerCpuSecond, j.forwardedPerCpuSecond),
      ratio(p.serverCpuPerSecond, j.serverCpuPerSecond),
      ratio(p.latencyP50Ms, j.latencyP50Ms),
      ratio(p.latencyP99Ms, j.latencyP99Ms),
      ratio(p.serverRssMiB, j.serverRssMiB),
    ]);
  }
  return {
    caption: 'Ratios Parley / Janus in the same run (pkt per CPU-s above 1×: Parley does more per CPU)',
    columns: ['participants', 'forwarded pkt per CPU-s', 'server CPU s/s', 'latency p50', 'latency p99', 'server RSS'],
    rows: out,
  };
}

/** Replaces (or appends) this benchmark's section of docs/benchmarks.md, between its markers. */
export function writeSection(file: URL, r: LoadResult, plot: string): void {
  const cpus = os.cpus();
  const md = [
    START,
    `## ${r.title}`,
    '',
    `- Command: \`${r.command}\` — date ${new Date().toISOString()}`,
    `- Machine: ${cpus.length} cores (${cpus[0]?.model?.trim() ?? 'unknown CPU'}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end (a shared machine: other jobs ran beside it)`,
    '',
  ];
  for (const t of r.tables) {
    // Padded as the formatter pads markdown tables, so that `npm run format:check` stays clean after a run.
    const cells = [t.columns, ...t.rows].map((row) => row.map((c) => String(c ?? '—')));
    const width = t.columns.map((_, i) => Math.max(3, ...cells.map((row) => row[i].length)));
    const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
    md.push(`${t.caption}:`, '', line(cells[0]), line(width.map((w) => '-'.repeat(w))));
    for (const row of cells.slice(1)) md.push(line(row));
    md.push('');
  }
  md.push(`![forwarded pkt/s against server CPU, Parley and Janus](${plot})`, '');
  for (const n of r.notes) md.push(`- ${n}`);
  md.push(END);
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const at = old.indexOf(START);
  const end = old.indexOf(END);
  const next =
    at >= 0 && end > at
      ? old.slice(0, at) + md.join('\n') + old.slice(end + END.length)
      : `${old.trimEnd()}\n\n${md.join('\n')}\n`;
  writeFileSync(file, next);
}

const COLORS: Record<string, string> = { Parley: '#1f77b4', Janus: '#d62728' };

/** Forwarded pkt/s (x) against server CPU-seconds per second (y), one line per server, sizes labelled. */
export function plotSvg(rows: LoadRow[]): string {
  const W = 640;
  const H = 400;
  const m = { left: 64, right: 110, top: 36, bottom: 52 };
  const xMax = niceCeil(Math.max(1, ...rows.map((r) => r.forwardedPerSecond)));
  const yMax = niceCeil(Math.max(0.01, ...rows.map((r) => r.serverCpuPerSecond)));
  const x = (v: number) => m.left + (v / xMax) * (W - m.left - m.right);
  const y = (v: number) => H - m.bottom - (v / yMax) * (H - m.top - m.bottom);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"`,
    ' font-family="sans-serif" font-size="12">',
    '<title>Server CPU against forwarded packets per second, Parley and Janus</title>',
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">`,
    'Server CPU against forwarded packets (labels: participants)</text>',
  ];
  for (let i = 0; i <= 5; i++) {
    const xv = (xMax * i) / 5;
    const yv = (yMax * i) / 5;
    out.push(
      `<line x1="${x(xv)}" y1="${y(0)}" x2="${x(xv)}" y2="${y(yMax)}" stroke="#eee"/>`,
      `<text x="${x(xv)}" y="${y(0) + 16}" text-anchor="middle">${Math.round(xv)}</text>`,
      `<line x1="${x(0)}" y1="${y(yv)}" x2="${x(xMax)}" y2="${y(yv)}" stroke="#eee"/>`,
      `<text x="${x(0) - 6}" y="${y(yv) + 4}" text-anchor="end">${Number(yv.toFixed(3))}</text>`,
    );
  }
  out.push(
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(xMax)}" y2="${y(0)}" stroke="black"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(0)}" y2="${y(yMax)}" stroke="black"/>`,
    `<text x="${(x(0) + x(xMax)) / 2}" y="${H - 12}" text-anchor="middle">forwarded packets per second</text>`,
    `<text transform="translate(16 ${(y(0) + y(yMax)) / 2}) rotate(-90)" text-anchor="middle">`,
    'server CPU-seconds per second</text>',
  );
  const servers = [...new Set(rows.map((r) => r.server))];
  servers.forEach((s, i) => {
    const color = COLORS[s] ?? '#555';
    const mine = rows.filter((r) => r.server === s).sort((a, b) => a.forwardedPerSecond - b.forwardedPerSecond);
    const points = mine.map((r) => `${x(r.forwardedPerSecond).toFixed(1)},${y(r.serverCpuPerSecond).toFixed(1)}`);
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`);
    for (const r of mine) {
      const [px, py] = [x(r.forwardedPerSecond).toFixed(1), y(r.serverCpuPerSecond).toFixed(1)];
      // The first server's labels above its points, the others' below, so that equal points stay readable.
      const labelY = Number(py) + (i ? 16 : -7);
      out.push(
        `<circle cx="${px}" cy="${py}" r="3.5" fill="${color}"/>`,
        `<text x="${px}" y="${labelY}" text-anchor="middle" fill="${color}">${r.participants}</text>`,
      );
    }
    const ly = m.top + 20 + i * 20;
    out.push(
      `<line x1="${W - m.right + 14}" y1="${ly}" x2="${W - m.right + 38}" y2="${ly}"`,
      ` stroke="${color}" stroke-width="2"/>`,
      `<text x="${W - m.right + 44}" y="${ly + 4}">${s}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}

/** The smallest 1, 2 or 5 times a power of ten at or above v. */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((k) => k * p).find((c) => c >= v)!;
}
