// The harness itself, without Parley: Chromium's fake camera sends the Y4M colour and tileColor
// reads it back; getDisplayMedia works headless. When these fail, the other browser tests'
// failures say nothing about Parley.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import {
  BLUE,
  GREEN,
  RED,
  YELLOW,
  closeAll,
  colorName,
  isColor,
  launchParticipant,
  tileColor,
  videoColor,
  type Rgb,
} from './harness.js';

const page = `<!doctype html><meta charset="utf-8"><body>
<div data-testid="tile"><video data-testid="tile-video" autoplay muted playsinline></video></div>
<video id="screen" autoplay muted playsinline></video>
<script>
window.camera = async () => {
  const s = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  document.querySelector('[data-testid=tile-video]').srcObject = s;
  return s.getTracks().map((t) => t.kind).sort().join(',');
};
window.screenShare = async () => {
  const s = await navigator.mediaDevices.getDisplayMedia({ video: true });
  document.getElementById('screen').srcObject = s;
  return s.getVideoTracks()[0].getSettings().displaySurface;
};
</script>`;

describe('browser harness', () => {
  let server: Server;
  let url = '';
  before(async () => {
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  after(async () => {
    await closeAll();
    await new Promise<void>((r) => server.close(() => r()));
  });

  for (const [name, color] of [
    ['red', RED],
    ['green', GREEN],
    ['blue', BLUE],
    ['yellow', YELLOW],
  ] as [string, Rgb][]) {
    test(`the fake camera sends ${name} and tileColor reads it back`, { timeout: 30_000 }, async () => {
      const p = await launchParticipant({ color, name, url, join: false });
      try {
        assert.equal(await p.page.evaluate('camera()'), 'audio,video');
        const seen = await tileColor(p.page, p.page.getByTestId('tile'));
        assert.ok(isColor(seen, color, 12), `expected ${name}, saw rgb(${seen.join(',')}) = ${colorName(seen)}`);
        if (name === 'red') {
          // getDisplayMedia: no picker, a fake "monitor" surface with frames.
          assert.equal(await p.page.evaluate('screenShare()'), 'monitor');
          const screen = await videoColor(p.page.locator('#screen'));
          assert.ok(!isColor(screen, RED), 'the screen capture is not the camera');
        }
      } finally {
        await p.close();
      }
    });
  }
});
