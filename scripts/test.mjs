#!/usr/bin/env node
// Runs Parley's test layers with Node's test runner. `node scripts/test.mjs [layer...]`
// Layers: unit (pure code, packages/*/src/**/*.test.ts), integration (real Prosody, tests/integration).
// Each layer checks its tools first and fails with the command that installs what is missing.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
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
  unit: { files: () => findTests(join(root, 'packages')), tools: [] },
  integration: {
    files: () => findTests(join(root, 'tests', 'integration')),
    tools: [{ cmd: 'prosody', fix: 'apt-get install -y prosody lua-unbound   (or run: bash setup.sh)' }],
  },
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(layers);
let failed = false;
for (const name of wanted) {
  const layer = layers[name];
  if (!layer) {
    console.error(`unknown test layer "${name}"; known: ${Object.keys(layers).join(', ')}`);
    process.exit(2);
  }
  const missing = layer.tools.filter((t) => !which(t.cmd));
  if (missing.length) {
    for (const t of missing) console.error(`[${name}] missing tool "${t.cmd}": install it with: ${t.fix}`);
    failed = true;
    continue;
  }
  const files = layer.files();
  if (!files.length) {
    console.error(`[${name}] no test files found`);
    failed = true;
    continue;
  }
  console.log(`\n=== ${name}: ${files.length} files ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PARLEY_TEST_LAYER: name },
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
