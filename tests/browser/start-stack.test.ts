// The README's start command, then three browsers: every participant gets the others' colours
// through the stack `parley start` brought up (Prosody, bridge, focus, web app in one command).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BLUE,
  GREEN,
  RED,
  checking,
  closeAll,
  expectSeesExactly,
  launchParticipant,
  roomName,
  type BrowserParticipant,
} from './harness.js';
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
  const ps: BrowserParticipant[] = [];
  await checking(
    () => ps,
    async () => {
      for (const [color, name] of [
        [RED, 'Red'],
        [GREEN, 'Green'],
        [BLUE, 'Blue'],
      ] as const)
        ps.push(await launchParticipant({ color, name, url: link }));
      const ids = await Promise.all(ps.map((p) => p.endpointId()));
      const people = ps.map((p, i) => ({ id: ids[i], color: p.color, name: p.name }));
      for (const [i, p] of ps.entries())
        await expectSeesExactly(
          p,
          people.filter((_, j) => j !== i),
          ids[i],
        );
    },
    () => cli!.stderr.filter((l) => /"level":"(warn|error)"/.test(l)),
  );
  assert.equal(await cli.stop(), 0, 'start stops cleanly after the meeting');
});
