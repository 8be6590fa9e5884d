// `parley user add|list|remove` on a data dir: the account file Prosody's internal_hashed reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listUsers, runUserCommand } from './user-command.js';

test('add writes a hashed account (no password in it), list shows it, remove deletes it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-users-'));
  const lines: string[] = [];
  const o = {
    dataDir,
    domain: 'meet.test',
    readPassword: async () => 'a long password',
    print: (l: string) => lines.push(l),
  };
  try {
    assert.equal(await runUserCommand(['add', 'ada'], o), 0);
    const file = join(dataDir, 'prosody', 'data', 'meet%2etest', 'accounts', 'ada.dat');
    const body = readFileSync(file, 'utf8');
    assert.match(body, /\["stored_key"\] = "[0-9a-f]{40}"/);
    assert.ok(!body.includes('a long password'), 'only the SCRAM keys are stored');
    assert.deepEqual(listUsers(dataDir, 'meet.test'), ['ada']);
    assert.equal(await runUserCommand(['remove', 'ada'], o), 0);
    assert.ok(!existsSync(file));
    await assert.rejects(runUserCommand(['remove', 'ada'], o), /no account ada@meet\.test/);
    await assert.rejects(runUserCommand(['add', 'Ada!'], o), /user name "Ada!"/);
    await assert.rejects(runUserCommand(['add', 'bo'], { ...o, readPassword: async () => 'short' }), /at least 8/);
    await assert.rejects(runUserCommand(['rename', 'bo'], o), /unknown user action "rename"/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
