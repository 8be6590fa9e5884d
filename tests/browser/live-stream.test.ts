// Live streaming (issue 17) in three browsers: a non-moderator's start is refused by the focus; the
// moderator gives an RTMP address in the participants panel and everyone sees "Live"; the listener is
// ffmpeg itself on loopback (`-listen 1`), and the frames it received show all three colours in the
// grid, with H.264 and AAC. Stopping ends the push and the indicator.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameColour, probe, requireFfmpeg } from '@parley/bridge';
import {
  type BrowserParticipant,
  colorName,
  isColor,
  poll,
  T,
  threeMeet,
  useWebStack,
  startWebStack,
  openParticipants,
  chatNotices,
} from './harness.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function liveEverywhere(ps: BrowserParticipant[], on: boolean): Promise<void> {
  for (const p of ps)
    await poll(
      `${p.name} ${on ? 'shows' : 'no longer shows'} the Live indicator`,
      async () => (await p.page.getByTestId('streaming-indicator').count()) > 0 === on,
      T.ui * 3,
    );
}

describe('live streaming from the bridge', () => {
  const suite = useWebStack({ start: () => startWebStack({ bridge: { recordingMinFreeMb: 1 } }) });

  test('a moderator streams the meeting to an RTMP listener; a non-moderator is refused', {
    timeout: 600_000,
  }, async () => {
    requireFfmpeg();
    const dir = mkdtempSync(join(tmpdir(), 'parley-live-browser-'));
    let listener: ChildProcess | undefined;
    try {
      const port = await freePort();
      const url = `rtmp://127.0.0.1:${port}/live/browser-key`;
      const out = join(dir, 'received.flv');
      const ps = await threeMeet(suite.link('livestream'), () => suite.web.stack.logs);
      suite.ps.push(...ps);
      const [red, green] = ps;
      await suite.checking(async () => {
        await green.page.evaluate((u) => (globalThis as any).parleyDebug.store.actions.setStreaming(true, u), url);
        await poll(
          'Green is told the live stream could not start',
          async () => (await chatNotices(green.page)).some((n) => /live stream could not start.*moderator/i.test(n)),
          T.ui * 2,
        );
        assert.equal(await red.page.getByTestId('streaming-indicator').count(), 0, 'nothing started');

        listener = spawn('ffmpeg', ['-v', 'error', '-listen', '1', '-i', url, '-c', 'copy', '-f', 'flv', out], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        await openParticipants(red.page);
        await red.page.getByTestId('streaming-toggle').click();
        await red.page.getByTestId('streaming-url').fill(url);
        await red.page.getByTestId('streaming-go').click();
        await liveEverywhere(ps, true);
        await poll(
          'a few seconds of the stream at the listener',
          async () => existsSync(out) && statSync(out).size > 150_000,
          120_000,
        );
        await red.page.getByTestId('streaming-toggle').click();
        await liveEverywhere(ps, false);
        await poll('the listener ends with the push', async () => listener!.exitCode !== null, 30_000);
      });

      const streams = await probe(out);
      assert.equal(streams.find((s) => s.kind === 'video')?.codec, 'h264', JSON.stringify(streams));
      assert.equal(streams.find((s) => s.kind === 'audio')?.codec, 'aac', JSON.stringify(streams));
      // A 2x2 grid (three tiles, in the order their media reached the bridge): each colour in one tile.
      const at = Math.max(1, Math.min(4, (streams[0]?.duration ?? 2) - 1));
      const tiles = [];
      for (let n = 0; n < 4; n++)
        tiles.push(
          await frameColour(out, at, { x: (n % 2) * 0.5 + 0.1, y: Math.floor(n / 2) * 0.5 + 0.05, w: 0.3, h: 0.25 }),
        );
      for (const p of ps)
        assert.ok(
          tiles.some((t) => isColor(t, p.color, 60)),
          `${p.name}'s colour is in a tile: ${tiles.map(colorName).join(', ')}`,
        );
    } finally {
      if (listener && listener.exitCode === null) listener.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
