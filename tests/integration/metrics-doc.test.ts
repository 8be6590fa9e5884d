// Every metric the stack exports is documented in docs/metrics.md with its type and service, and
// the page lists no metric that no longer exists: scraped from a real `parley start` (focus, bridge,
// web server). The standard process metrics (process_*, nodejs_*) are documented as a group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pickStartPorts, startCli, startFlags, type StartedCli } from './cli-process.js';

const DOC = fileURLToPath(new URL('../../docs/metrics.md', import.meta.url));

interface Metric {
  name: string;
  type: string;
  service: string;
  help: string;
}

/** The metrics a /metrics text declares (# HELP and # TYPE lines). */
export function declared(text: string, service: string): Metric[] {
  const help = new Map<string, string>();
  const out: Metric[] = [];
  for (const line of text.split('\n')) {
    const h = /^# HELP (\S+) (.*)$/.exec(line);
    if (h) help.set(h[1], h[2]);
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t) out.push({ name: t[1], type: t[2], service, help: help.get(t[1]) ?? '' });
  }
  return out;
}

/** The rows of the page's tables: | `name` | type | service | what it counts |. */
function documented(md: string): Map<string, { type: string; service: string }> {
  const rows = new Map<string, { type: string; service: string }>();
  for (const m of md.matchAll(/^\| `([a-z_]+)` +\| ([a-z]+) +\| ([a-z]+) +\|/gm))
    rows.set(m[1], { type: m[2], service: m[3] });
  return rows;
}

const row = (m: Metric) => `| \`${m.name}\` | ${m.type} | ${m.service} | ${m.help} |`;

test('docs/metrics.md documents exactly the metrics focus, bridge and web export', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-metrics-'));
  let s: StartedCli | undefined;
  try {
    s = await startCli(startFlags(dataDir, await pickStartPorts(), 'metrics.parley.test'));
    const sources: [string, string][] = [
      ['focus', s.info.focus.metrics],
      ['bridge', String(s.info.bridge.health).replace(/\/health$/, '/metrics')],
      ['web', s.info.web.metrics],
    ];
    const all: Metric[] = [];
    for (const [service, url] of sources) {
      const res = await fetch(url);
      assert.equal(res.status, 200, `${service} ${url}`);
      all.push(...declared(await res.text(), service));
    }
    const ours = all.filter((m) => m.name.startsWith('parley_'));
    assert.ok(ours.length > 20, `${ours.length} Parley metrics scraped`);
    const md = readFileSync(DOC, 'utf8');
    const doc = documented(md);
    const missing = ours.filter((m) => doc.get(m.name)?.type !== m.type || doc.get(m.name)?.service !== m.service);
    assert.deepEqual(missing.map(row), [], 'rows to add to (or fix in) docs/metrics.md');
    const stale = [...doc.keys()].filter((name) => !ours.some((m) => m.name === name));
    assert.deepEqual(stale, [], 'documented metrics that nothing exports any more');
    // The process metrics every service adds (prom-client's defaults) are named as a group.
    for (const prefix of ['process_', 'nodejs_'])
      if (all.some((m) => m.name.startsWith(prefix))) assert.match(md, new RegExp(`\`${prefix}\\*\``), prefix);
  } finally {
    await s?.stop().catch(() => s?.child.kill('SIGKILL'));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
