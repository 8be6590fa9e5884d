import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_DIR_LAYOUT, prepareDataDir } from './data-dir.js';
import { loadOrCreateSecrets } from './secrets.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'parley-layout-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const layoutOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'layout.json'), 'utf8')).layout;

test('a new data dir gets the current layout, and the next start finds it', () =>
  withDir((dir) => {
    assert.deepEqual(prepareDataDir(dir), { found: undefined, migrated: [] });
    assert.equal(layoutOf(dir), DATA_DIR_LAYOUT);
    assert.deepEqual(prepareDataDir(dir), { found: DATA_DIR_LAYOUT, migrated: [] });
  }));

test('a data dir of the first releases (secrets.json with three keys, no layout.json) is migrated, secrets kept', () =>
  withDir((dir) => {
    // What the first release wrote: the three keys it knew, nothing else.
    const first = { focusComponentSecret: 'a'.repeat(32), focusAccountPassword: 'b'.repeat(32) };
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ ...first, bridgeAccountPassword: 'c'.repeat(32) }));
    const events: unknown[] = [];
    const log = { info: (e: string, d: unknown) => events.push([e, d]) } as never;
    assert.deepEqual(prepareDataDir(dir, log), { found: 0, migrated: [0] });
    assert.equal(layoutOf(dir), 1);
    assert.equal((events[0] as [string])[0], 'data_dir.migrated');
    const { secrets } = loadOrCreateSecrets(dir);
    assert.equal(secrets.focusComponentSecret, first.focusComponentSecret);
    assert.equal(secrets.focusAccountPassword, first.focusAccountPassword);
    assert.ok(secrets.adminToken.length >= 16, 'keys added since are generated');
  }));

test('a data dir written by a newer release is refused with what to do', () =>
  withDir((dir) => {
    writeFileSync(join(dir, 'layout.json'), JSON.stringify({ layout: DATA_DIR_LAYOUT + 1 }));
    assert.throws(() => prepareDataDir(dir), /layout 2, written by a newer Parley.*restore the backup/s);
    assert.equal(layoutOf(dir), DATA_DIR_LAYOUT + 1, 'left as it was');
  }));

test('a damaged layout.json is named with what it should hold', () =>
  withDir((dir) => {
    writeFileSync(join(dir, 'layout.json'), '{"layout": "one"');
    assert.throws(() => prepareDataDir(dir), /layout\.json is not valid JSON.*\{"layout": <number>\}/);
    writeFileSync(join(dir, 'layout.json'), '{"layout": -1}');
    assert.throws(() => prepareDataDir(dir), /"layout" must be a whole number >= 0, not -1/);
    assert.ok(!existsSync(join(dir, 'layout.json.tmp')));
  }));
