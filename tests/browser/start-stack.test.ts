// The README's start command, then three browsers: every participant gets the others' colours
// through the stack `parley start` brought up (Prosody, bridge, focus, web app in one command).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAll, roomName, threeMeet } from './harness.js';
import { pickStartPorts, startCli, startFlags, type StartedCli } from '../integration/cli-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-start-browser-'));
let cli: StartedCli | undefined;
after(async () => {
  await closeAll();
  await cli?.stop().catch(() => cli?.child.kill('SIGKILL'));
  rmSync(dataDir, { recursive: true, force: true });
});

test('three browsers meet through the stack `parley start` runs', { timeout: 150_000 }, async () => {
  const ports = await pickStartPorts();
  cli = await startCli(startFlags(dataDir, ports, 'meet.parley.test'));
  const link = `${cli.info.page}${roomName('start')}`;
  assert.ok(link.startsWith(`https://127.0.0.1:${ports.https}/`), `the invite link is on start's HTTPS port (${link})`);
  await threeMeet(link, () => cli!.stderr.filter((l) => /"level":"(warn|error)"/.test(l)));
  assert.equal(await cli.stop(), 0, 'start stops cleanly after the meeting');
});
