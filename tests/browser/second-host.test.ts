// The failure that started Parley (docker-jitsi-meet's "third participant without media" when the
// bridge advertised the wrong address): the stack runs on another "host" — a network namespace this
// test creates, reached over a veth pair at its own address — and three browsers on this host meet
// there. `parley start` finds the address to advertise itself (no --advertise): every participant
// must see the other two's colours.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAll, roomName, threeMeet } from './harness.js';
import type { StartedCli } from '../integration/cli-process.js';
import { createNetns, startCliIn, type Netns } from './netns.js';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-second-host-'));
let cli: StartedCli | undefined;
let host: Netns | undefined;
after(async () => {
  await closeAll();
  await cli?.stop().catch(() => cli?.child.kill('SIGKILL'));
  host?.remove(); // after the stack: deleting a namespace does not end the processes in it
  rmSync(dataDir, { recursive: true, force: true });
});

test('three browsers on this host meet on a stack that runs on another host', { timeout: 240_000 }, async () => {
  host = createNetns();
  const started = await startCliIn(host, dataDir);
  cli = started.cli;
  assert.deepEqual(cli.info.bridge.advertise, [host.nsAddress], "the bridge advertises its host's own address");
  const link = `${started.url}/${roomName('second-host')}`;
  await threeMeet(link, () => cli!.stderr.filter((l) => /"level":"(warn|error)"/.test(l)));
  assert.equal(await cli.stop(), 0, 'start stops cleanly');
});
