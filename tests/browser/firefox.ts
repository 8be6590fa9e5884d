// Debian's Firefox ESR for the browser tests, driven by puppeteer-core over WebDriver BiDi (facts in
// ../../shared/facts/browsers-and-networks.md). Firefox never pairs with a loopback candidate, so a
// test with Firefox runs the stack in a network namespace of its own (netns.ts).
//
// Its camera and screen are solid colours, like the Chromium participants' Y4M cameras: Firefox's
// fake camera (media.navigator.streams.fake) cycles through hues frame by frame, and headless
// Firefox has no screen to capture (getDisplayMedia fails with NotFoundError). A page script puts a
// canvas track of the participant's colour in place of the fake camera's video track and answers
// getDisplayMedia with a canvas of the "screen" colour; the microphone stays Firefox's fake one (a
// 1 kHz tone). Everything after capture (encoding, SDP, ICE, DTLS, RTP) is Firefox's own.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import {
  KEEP_NAMES_SHIM,
  T,
  explain,
  readEndpointId,
  readVideoColor,
  tileSelector,
  waitForColor,
  withTimeout,
  type Rgb,
} from './harness.js';

export const FIREFOX = '/usr/bin/firefox-esr';

/**
 * Prefs: fake microphone and camera without a prompt, autoplay allowed (remote audio and video start
 * without a click). getDisplayMedia needs none: the page script answers it (see above).
 */
export const FIREFOX_PREFS: Record<string, unknown> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
};

export interface FirefoxOptions {
  name: string;
  /** The colour its camera sends. */
  color: Rgb;
  /** The colour its shared screen shows. */
  screen: Rgb;
  /** Opened and joined when given. */
  url?: string;
}

export interface FirefoxParticipant {
  name: string;
  color: Rgb;
  screen: Rgb;
  browser: Browser;
  page: Page;
  /** Console messages and page errors, in order. */
  logs: string[];
  join(): Promise<void>;
  /** The endpoint id the client uses (window.parleyDebug.endpointId). */
  endpointId(): Promise<string>;
  close(): Promise<void>;
}

const open = new Set<FirefoxParticipant>();

/** Throws the install command when Debian's Firefox ESR is missing (a test never skips silently). */
export function requireFirefox(): void {
  if (!existsSync(FIREFOX))
    throw new Error(`${FIREFOX} is missing: install it with apt-get install -y firefox-esr (or bash setup.sh)`);
}

export async function launchFirefox(opts: FirefoxOptions): Promise<FirefoxParticipant> {
  requireFirefox();
  const home = mkdtempSync(join(tmpdir(), 'parley-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    acceptInsecureCerts: true,
    timeout: T.launch,
    protocolTimeout: T.launch,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
    extraPrefsFirefox: FIREFOX_PREFS,
  });
  const logs: string[] = [];
  const stamp = () => new Date().toISOString().slice(11, 23);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    open.delete(p);
    await withTimeout(browser.close(), 10_000, `closing ${opts.name}'s Firefox`).catch(() =>
      browser.process()?.kill('SIGKILL'),
    );
    rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  };
  let page: Page;
  try {
    page = (await browser.pages())[0] ?? (await browser.newPage());
  } catch (err) {
    await close();
    throw err;
  }
  const p: FirefoxParticipant = {
    name: opts.name,
    color: opts.color,
    screen: opts.screen,
    browser,
    page,
    logs,
    async join() {
      await page.waitForSelector('[data-testid="prejoin"]', { timeout: T.nav });
      await page.locator('[data-testid="name-input"]').setTimeout(T.ui).fill(opts.name);
      await page.locator('[data-testid="join-button"]').setTimeout(T.ui).click();
      await page.waitForSelector('[data-testid="meeting"]', { timeout: T.join });
    },
    endpointId: () => readEndpointId(page, opts.name),
    close,
  };
  open.add(p);
  page.on('console', (m) => logs.push(`${stamp()} [${opts.name} console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`${stamp()} [${opts.name} pageerror] ${String(e)}`));
  page.setDefaultTimeout(T.action);
  page.setDefaultNavigationTimeout(T.nav);
  try {
    await page.evaluateOnNewDocument(KEEP_NAMES_SHIM);
    await page.evaluateOnNewDocument(colourCapture, opts.color, opts.screen);
    await page.evaluateOnNewDocument(recordPeerConnections);
    if (opts.url) {
      await page.goto(opts.url, { waitUntil: 'domcontentloaded' });
      await p.join();
    }
  } catch (err) {
    throw explain(err, [p]);
  }
  return p;
}

/** Closes every Firefox still open (for after() hooks). */
export async function closeFirefoxes(): Promise<void> {
  await Promise.allSettled([...open].map((p) => p.close()));
}

/** The colour of a tile's video on a Firefox page (see readVideoColor). */
export async function firefoxTileColor(page: Page, tile: string, timeoutMs = 5000): Promise<Rgb> {
  const video = `${tile} [data-testid="tile-video"]`;
  await page.waitForSelector(video, { timeout: timeoutMs });
  return page.$eval(video, readVideoColor, timeoutMs);
}

/** Polls the participant's tile on a Firefox page until it shows `expected`. */
export async function waitForFirefoxTile(
  page: Page,
  participantId: string,
  expected: Rgb,
  videoType: 'camera' | 'desktop' = 'camera',
  timeoutMs = T.media,
): Promise<Rgb> {
  return waitForColor(() => firefoxTileColor(page, tileSelector(participantId, videoType)), expected, timeoutMs);
}

/**
 * Runs in the page before its own scripts: getUserMedia's video track becomes a canvas of `camera`,
 * getDisplayMedia a canvas of `screen` (see the file comment). The canvases are repainted at 15 fps
 * so that the capture keeps producing frames; stop() ends the repainting.
 */
function colourCapture(camera: Rgb, screen: Rgb): void {
  const g = globalThis as any;
  const media = g.navigator.mediaDevices;
  if (!media) return; // not a secure context (the first about:blank): nothing to capture there
  const canvasTrack = (rgb: Rgb, width: number, height: number) => {
    const canvas = g.document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    const paint = () => {
      ctx.fillStyle = `rgb(${rgb.join(',')})`;
      ctx.fillRect(0, 0, width, height);
    };
    paint();
    const timer = setInterval(paint, 66);
    const [track] = canvas.captureStream(15).getVideoTracks();
    const stop = track.stop.bind(track);
    track.stop = () => {
      clearInterval(timer);
      stop();
    };
    return track;
  };
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints: any) => {
    const stream = await getUserMedia(constraints);
    for (const fake of stream.getVideoTracks()) {
      stream.removeTrack(fake);
      fake.stop();
      stream.addTrack(canvasTrack(camera, 320, 180));
    }
    return stream;
  };
  media.getDisplayMedia = async () => new g.MediaStream([canvasTrack(screen, 640, 360)]);
}

/** Runs in the page: keeps every RTCPeerConnection in window.__pcs (for failure reports only). */
function recordPeerConnections(): void {
  const g = globalThis as any;
  const Pc = g.RTCPeerConnection;
  if (!Pc) return;
  g.__pcs = [];
  g.RTCPeerConnection = class extends Pc {
    constructor(...args: any[]) {
      super(...args);
      g.__pcs.push(this);
    }
  };
}

/** Each transceiver of the page's peer connections (mid, directions, track) and the remote SDP's ssrc lines. */
export async function firefoxTransceivers(page: Page): Promise<string> {
  return withTimeout(
    page.evaluate(() =>
      ((globalThis as any).__pcs ?? [])
        .map((pc: any) => {
          const tr = pc
            .getTransceivers()
            .map(
              (t: any) =>
                `${t.mid} ${t.direction}/${t.currentDirection} track=${t.receiver.track?.readyState}` +
                `${t.receiver.track?.muted ? '/muted' : ''}`,
            );
          const ssrcs = String(pc.remoteDescription?.sdp ?? '')
            .split('\r\n')
            .filter((l: string) => /^a=(mid|ssrc:\d+ msid|ssrc-group)/.test(l));
          return `transceivers: ${tr.join('; ')}; remote: ${ssrcs.join(' ')}`;
        })
        .join(' | '),
    ),
    3000,
    "reading Firefox's transceivers",
  ).catch((err: Error) => `transceivers unreadable: ${err.message.split('\n')[0]}`);
}
