// When no media path to the bridge exists (UDP and TCP both blocked by a firewall), the page says
// so in the user's words and points to the connection check, instead of showing black tiles.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RED, useWebStack } from './harness.js';

describe('media blocked entirely', () => {
  const suite = useWebStack({
    setup: (web) => {
      web.stack.sfu!.port.faultsForTest.blockUdp = true;
      web.stack.sfu!.port.faultsForTest.blockTcp = true;
    },
  });

  test('the participant sees the media-failed screen with a link to /doctor', { timeout: 120_000 }, async () => {
    const link = suite.link('blocked');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link, join: false });
      await red.join().catch(() => undefined); // the meeting may already be replaced by the error
      await red.page.getByTestId('error-media-failed').waitFor({ timeout: 60_000 });
      assert.equal(await red.page.getByTestId('doctor-link').getAttribute('href'), '/doctor');
      // The disclosure is closed: its text is in the DOM, not rendered.
      const details = (await red.page.getByTestId('error-details').textContent()) ?? '';
      assert.match(details, /connectionState|not connected/, 'the details say what the peer connection did');
      const port = suite.web.stack.sfu!.port;
      assert.ok(
        (port.counters['udp-blocked'] ?? 0) > 0 || (port.counters['tcp-blocked'] ?? 0) > 0,
        'the browser did try to reach the bridge',
      );
    });
  });
});
