#!/usr/bin/env node
// Runs Parley's test layers with Node's test runner. `node scripts/test.mjs [layer...]`
// Layers: unit (packages/*/src/**/*.test.ts), integration (real Prosody: tests/integration and
// packages/**/*.integration.test.ts), media (real bridge, headless werift endpoints: tests/media),
// browser (Debian's Chromium via playwright-core and Firefox ESR via puppeteer-core against the whole
// stack: tests/browser, one file at a time).
// Each layer checks its tools first and fails with the command that installs what is missing.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out.sort();
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

const layers = {
  unit: {
    timeoutMs: 120_000,
    files: () => findTests(join(root, 'packages')).filter((f) => !f.endsWith('.integration.test.ts')),
    tools: [],
  },
  integration: {
    timeoutMs: 300_000,
    files: () => [
      ...findTests(join(root, 'packages')).filter((f) => f.endsWith('.integration.test.ts')),
      ...findTests(join(root, 'tests', 'integration')),
    ],
    tools: [
      { cmd: 'prosody', fix: 'apt-get install -y prosody lua-unbound   (or run: bash setup.sh)' },
      {
        cmd: 'docker-compose',
        fix: 'apt-get install -y docker-compose   (validates compose/ without an engine; or bash setup.sh)',
      },
    ],
  },
  media: {
    timeoutMs: 300_000,
    files: () => findTests(join(root, 'tests', 'media')),
    tools: [{ cmd: 'prosody', fix: 'apt-get install -y prosody lua-unbound   (or run: bash setup.sh)' }],
  },
  browser: {
    timeoutMs: 600_000,
    files: () => findTests(join(root, 'tests', 'browser')),
    tools: [
      { cmd: 'prosody', fix: 'apt-get install -y prosody lua-unbound   (or run: bash setup.sh)' },
      { cmd: 'chromium', fix: 'apt-get install -y chromium (or bash setup.sh)' },
      { cmd: 'firefox-esr', fix: 'apt-get install -y firefox-esr (or bash setup.sh): firefox.test.ts' },
      { cmd: 'turnserver', fix: 'apt-get install -y coturn (or bash setup.sh)' },
      {
        cmd: 'ip',
        fix: 'apt-get install -y iproute2 (or bash setup.sh): second-host and firefox tests make a network namespace',
      },
    ],
    // Every file starts its own stack and up to four Chromiums: one file at a time.
    args: ['--test-concurrency=1'],
    // The tests load the client bundle: build it from the current sources first (about a second).
    prepare: { what: 'build the web client', cmd: [process.execPath, ['packages/web/build-client.mjs']] },
  },
};

// Whole-layer bounds, far above a loaded 2-core machine's run (unit ~1, integration ~5, media ~1,
// browser ~12 min), so that only a hang reaches them.
const LAYER_LIMIT_MS = { unit: 10 * 60_000, integration: 20 * 60_000, media: 10 * 60_000, browser: 40 * 60_000 };

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(layers);
let failed = false;
const totals = { passed: 0, failed: 0, skipped: 0 };
const summary = [];
const tapDir = mkdtempSync(join(tmpdir(), 'parley-test-'));

// Counts from the TAP copy of a run (node writes "# pass N" etc. at the end).
function counts(tapFile) {
  const text = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const n = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { passed: n('pass'), failed: n('fail') + n('cancelled'), skipped: n('skipped') + n('todo') };
}
for (const name of wanted) {
  const layer = layers[name];
  if (!layer) {
    console.error(`unknown test layer "${name}"; known: ${Object.keys(layers).join(', ')}`);
    process.exit(2);
  }
  const missing = layer.tools.filter((t) => !which(t.cmd));
  if (missing.length) {
    for (const t of missing) console.error(`[${name}] missing tool "${t.cmd}": install it with: ${t.fix}`);
    summary.push(`${name}: not run, missing ${missing.map((t) => t.cmd).join(', ')}`);
    totals.failed += 1;
    failed = true;
    continue;
  }
  if (layer.prepare) {
    const [cmd, args] = layer.prepare.cmd;
    const p = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (p.status !== 0) {
      console.error(`[${name}] could not ${layer.prepare.what}: ${[cmd, ...args].join(' ')} exited ${p.status}`);
      summary.push(`${name}: not run, could not ${layer.prepare.what}`);
      totals.failed += 1;
      failed = true;
      continue;
    }
  }
  const files = layer.files();
  if (!files.length) {
    console.error(`[${name}] no test files found`);
    failed = true;
    continue;
  }
  console.log(`\n=== ${name}: ${files.length} files ===`);
  const tapFile = join(tapDir, `${name}.tap`);
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      // A test that hangs fails at its layer's bound (a test may set its own, shorter one) instead of
      // holding CI until its deadline. (Not --test-force-exit: it cuts the TAP summary counted below.)
      `--test-timeout=${layer.timeoutMs}`,
      ...(layer.args ?? []),
      ...files,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, PARLEY_TEST_LAYER: name },
      // A file that never exits (a handle left open after its tests) would hold CI to its deadline.
      timeout: LAYER_LIMIT_MS[name],
      killSignal: 'SIGKILL',
    },
  );
  if (r.error?.code === 'ETIMEDOUT')
    console.error(`[${name}] stopped after ${LAYER_LIMIT_MS[name] / 60_000} min: a test file hung (open handle?)`);
  const c = counts(tapFile);
  if (r.status !== 0 && c.failed === 0) c.failed = 1; // the runner itself failed (crash, syntax error)
  if (r.status !== 0) failed = true;
  for (const k of Object.keys(totals)) totals[k] += c[k];
  summary.push(`${name}: ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`);
}
rmSync(tapDir, { recursive: true, force: true });
console.log(`\n${summary.join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
