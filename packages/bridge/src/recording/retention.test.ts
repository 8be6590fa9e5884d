import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readConfig } from '@parley/service';
import { bridgeConfigSpec } from '../config.js';
import { applyRetention, listRecordingFolders } from './retention.js';

const DAY = 24 * 3600 * 1000;
const NOW = Date.parse('2026-12-05T12:00:00Z');
let root: string;

/** A recording folder started `daysAgo` before NOW holding `kib` KiB of media. */
function recording(room: string, daysAgo: number, kib: number): string {
  const startedAt = new Date(NOW - daysAgo * DAY).toISOString();
  const dir = join(root, room, startedAt.replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: 1, startedAt, participants: [] }));
  writeFileSync(join(dir, 'aaaa0001.webm'), Buffer.alloc(kib * 1024));
  return dir;
}

const left = () => listRecordingFolders(root).map((f) => `${f.room}/${Math.round((NOW - f.startedAt) / DAY)}d`);

before(() => {
  root = mkdtempSync(join(tmpdir(), 'parley-retention-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

test('nothing is deleted when neither limit is set', () => {
  recording('a', 400, 10);
  assert.deepEqual(applyRetention(root, { maxAgeDays: 0, maxTotalBytes: 0 }, [], NOW), []);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root);
});

test('recordings older than the max age go; a recording in progress stays whatever its age', () => {
  recording('a', 40, 10);
  const running = recording('b', 35, 10);
  recording('a', 2, 10);
  const removed = applyRetention(root, { maxAgeDays: 30, maxTotalBytes: 0 }, [running], NOW);
  assert.deepEqual(
    removed.map((f) => f.room),
    ['a'],
  );
  assert.deepEqual(left(), ['b/35d', 'a/2d']);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root);
});

test('over the max total size the oldest go first until it fits; the running one is skipped', () => {
  const running = recording('r', 10, 100);
  recording('x', 9, 100);
  recording('y', 5, 100);
  recording('z', 1, 100);
  // 400 KiB (plus manifests) against 250 KiB: two must go, the oldest that are not running.
  applyRetention(root, { maxAgeDays: 0, maxTotalBytes: 250 * 1024 }, [running], NOW);
  assert.deepEqual(left(), ['r/10d', 'z/1d']);
  assert.ok(readdirSync(running).includes('aaaa0001.webm'));
});

test('the retention settings are validated with errors that name them', () => {
  const base = { PARLEY_DOMAIN: 'd.example', PARLEY_BRIDGE_PASSWORD: 'p' };
  for (const env of ['PARLEY_RECORDING_MAX_AGE_DAYS', 'PARLEY_RECORDING_MAX_TOTAL_MB'])
    assert.throws(
      () => readConfig(bridgeConfigSpec, { env: { ...base, [env]: '-3' }, argv: [] }),
      (e: unknown) => e instanceof Error && e.message.includes(env) && /minimum 0/.test(e.message),
    );
  assert.throws(
    () => readConfig(bridgeConfigSpec, { env: base, argv: ['--recording-max-total-mb', 'lots'] }),
    /--recording-max-total-mb/,
  );
  const ok = readConfig(bridgeConfigSpec, { env: { ...base, PARLEY_RECORDING_MAX_AGE_DAYS: '30' }, argv: [] });
  assert.equal(ok.recordingMaxAgeDays, 30);
  assert.equal(ok.recordingMaxTotalMb, 0);
});
