// Stale processes of a data dir: a recorded process that is still running is ended, a pid whose
// start time no longer matches (recycled) is left alone, and the files are removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endStaleProcesses, processStartTime, runDir, writePidFile } from './pid-files.js';

const alive = (pid: number) => processStartTime(pid) !== undefined;

test('endStaleProcesses ends what a previous run recorded, and only that', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-pid-'));
  // A detached process, as an orphan of a killed start would be (not our child once it is reaped).
  const orphan = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
  const bystander = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
  orphan.unref();
  bystander.unref();
  try {
    writePidFile(dataDir, 'prosody', orphan.pid!, 'prosody');
    // A pid file whose start time is not the live process's: the pid was reused by someone else.
    writeFileSync(
      join(runDir(dataDir), 'jvb-2.pid'),
      JSON.stringify({ pid: bystander.pid, startTime: '1', what: 'bridge jvb-2' }),
    );
    writeFileSync(join(runDir(dataDir), 'start.pid'), JSON.stringify({ pid: process.pid, startTime: 'x', what: 's' }));
    const ended = await endStaleProcesses(dataDir, { keep: ['start.pid'], graceMs: 2000 });
    assert.deepEqual(
      ended.map((r) => r.what),
      ['prosody'],
    );
    assert.ok(!alive(orphan.pid!), 'the orphan is gone');
    assert.ok(alive(bystander.pid!), 'a process with another start time is not signalled');
    assert.ok(!existsSync(join(runDir(dataDir), 'prosody.pid')));
    assert.ok(!existsSync(join(runDir(dataDir), 'jvb-2.pid')), 'the stale file is removed');
    assert.ok(existsSync(join(runDir(dataDir), 'start.pid')), 'kept');
  } finally {
    orphan.kill('SIGKILL');
    bystander.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
