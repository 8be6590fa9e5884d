// Browser test harness: Debian's Chromium driven by playwright-core, fake camera (a solid-colour
// Y4M file per participant) and fake microphone (Chromium's beeps), the real stack on loopback.
//
// Chromium flags (see docs in /work/shared/facts/werift.md): playwright already passes its own
// --disable-features=... list; we never pass a second one (Chromium honours only the last).
// Screen share: in headless Chromium, --use-fake-ui-for-media-stream also auto-accepts
// getDisplayMedia and --use-fake-device-for-media-stream makes it capture a fake screen (see
// SCREEN_SHARE_ARGS below for what was checked).
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { after, afterEach, before } from 'node:test';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { createServer, type Server } from 'node:http';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { BridgeConfig } from '@parley/bridge';
import { startStack, withTimeout, type Stack, type StackAccess } from '../integration/harness.js';
import {
  buildParleyConfig,
  defaultStaticDir,
  ensureCertificates,
  renderConfigJs,
  startWebServer,
  type WebServerOptions,
} from '../../packages/web/src/server/index.js';

export type Rgb = [number, number, number];

export const RED: Rgb = [220, 30, 30];
export const GREEN: Rgb = [30, 200, 40];
export const BLUE: Rgb = [30, 60, 220];
export const YELLOW: Rgb = [230, 220, 30];

/**
 * Every wait in the browser tests is bounded by one of these. Sized for a loaded 2-core machine
 * (several test suites and builds at once): a Chromium launch there has taken over 20 s. `action` is
 * the default of every page action (click, fill, check) and locator wait without its own: an action
 * first waits until its element is visible, stable (the same box over two animation frames), enabled
 * and hit by the pointer, and a fourth Chromium's page at load 13-16 missed the 10 s it had for that.
 */
export const T = { launch: 60_000, nav: 30_000, join: 30_000, media: 20_000, ui: 10_000, action: 30_000 };

// ---------------------------------------------------------------------------------------------
// Fake camera

/**
 * Writes a YUV4MPEG2 file of one solid colour: 4:2:0 ("C420"), BT.601 studio range (Y 16..235),
 * which is how Chromium's fake capture device interprets the samples (a full-range "C420jpeg"
 * file came out over-saturated by ~15 levels). Chromium loops over the frames.
 */
export function makeY4m(
  path: string,
  rgb: Rgb,
  opts: { width?: number; height?: number; fps?: number; frames?: number } = {},
): string {
  const { width = 320, height = 180, fps = 15, frames = 30 } = opts;
  if (width % 2 || height % 2) throw new Error('makeY4m: width and height must be even');
  const [r, g, b] = rgb;
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  const y = clamp(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
  const u = clamp(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
  const v = clamp(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
  const ySize = width * height;
  const cSize = (width / 2) * (height / 2);
  const frame = Buffer.alloc(6 + ySize + 2 * cSize);
  frame.write('FRAME\n', 0, 'latin1');
  frame.fill(y, 6, 6 + ySize);
  frame.fill(u, 6 + ySize, 6 + ySize + cSize);
  frame.fill(v, 6 + ySize + cSize);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420\n`);
    for (let i = 0; i < frames; i++) writeSync(fd, frame);
  } finally {
    closeSync(fd);
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// Chromium

export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--ignore-certificate-errors',
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * Screen share (getDisplayMedia) in headless Chromium 156 needs no extra flag: with
 * --use-fake-ui-for-media-stream the picker is accepted automatically and, with
 * --use-fake-device-for-media-stream, the capture is a fake "screen" (deviceId "screen:-3:0",
 * displaySurface "monitor", the viewport's size, a mostly green test pattern). Checked by hand;
 * --auto-select-desktop-capture-source=... is not needed. Set PARLEY_SCREEN_ARGS to add flags.
 */
export const SCREEN_SHARE_ARGS: string[] = process.env.PARLEY_SCREEN_ARGS
  ? process.env.PARLEY_SCREEN_ARGS.split(' ')
  : [];

export interface LaunchOptions {
  /** The colour this participant's fake camera sends. */
  color: Rgb;
  name: string;
  /** Page to open (e.g. `${url}/room`); nothing is opened when absent. */
  url?: string;
  /** Tick "start audio/video muted" in prejoin. */
  muted?: { audio?: boolean; video?: boolean };
  /** false: stop at the prejoin screen (default: join and wait for the meeting). */
  join?: boolean;
  /** Extra Chromium arguments (e.g. --host-resolver-rules=...). */
  args?: string[];
  /** A phone: this viewport (CSS pixels), touch, mobile viewport meta honoured, 3x pixels. */
  phone?: { width: number; height: number };
  /**
   * The fake camera's size (default 320x180, cheap for the 2-core machine). Chromium sends as many
   * simulcast layers as the size allows: 1280x720 for all three (180p, 360p, 720p).
   */
  camera?: { width: number; height: number };
  /** The page's viewport (CSS pixels) when not a phone; default 1100x700. */
  viewport?: { width: number; height: number };
}

export interface BrowserParticipant {
  name: string;
  color: Rgb;
  context: BrowserContext;
  page: Page;
  /** Console messages, page errors and failed requests of this page, in order. */
  logs: string[];
  /** Fills the prejoin screen and presses join; waits for the meeting. */
  join(opts?: { muted?: { audio?: boolean; video?: boolean } }): Promise<void>;
  /** The endpoint id the client uses (window.parleyDebug.endpointId). */
  endpointId(): Promise<string>;
  close(): Promise<void>;
}

/**
 * What the failure reports need of a page and its participant. Chromium's (playwright) and
 * Firefox's (puppeteer, see firefox.ts) pages both have these.
 */
export interface InspectablePage {
  isClosed(): boolean;
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
}
export interface InspectableParticipant {
  name: string;
  page: InspectablePage;
  /** Console messages, page errors and failed requests of this page, in order. */
  logs: string[];
}

/** tsx (esbuild, keepNames) wraps functions passed to page.evaluate in __name(...): every page defines it. */
export const KEEP_NAMES_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

const open = new Set<BrowserParticipant>();

export async function launchParticipant(opts: LaunchOptions): Promise<BrowserParticipant> {
  const home = mkdtempSync(join(tmpdir(), 'parley-browser-'));
  // A large camera gets few frames: the colour is solid, and Chromium loops over them.
  const y4m = makeY4m(join(home, 'camera.y4m'), opts.color, opts.camera ? { ...opts.camera, frames: 4 } : {});
  const logs: string[] = [];
  const stamp = () => new Date().toISOString().slice(11, 23);
  const profile = join(home, 'profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: T.launch,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
    args: [...BASE_ARGS, `--use-file-for-fake-video-capture=${y4m}`, ...SCREEN_SHARE_ARGS, ...(opts.args ?? [])],
    ignoreHTTPSErrors: true,
    viewport: opts.phone ?? opts.viewport ?? { width: 1100, height: 700 },
    ...(opts.phone && { isMobile: true, hasTouch: true, deviceScaleFactor: 3 }),
    permissions: ['camera', 'microphone'],
  });
  await context.addInitScript(KEEP_NAMES_SHIM);
  context.setDefaultTimeout(T.action);
  context.setDefaultNavigationTimeout(T.nav);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => logs.push(`${stamp()} [${opts.name} console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`${stamp()} [${opts.name} pageerror] ${e.stack ?? e.message}`));
  page.on('requestfailed', (r) =>
    logs.push(`${stamp()} [${opts.name} requestfailed] ${r.url()} ${r.failure()?.errorText ?? ''}`),
  );
  page.on('crash', () => logs.push(`${stamp()} [${opts.name}] page crashed`));
  let closed = false;
  const p: BrowserParticipant = {
    name: opts.name,
    color: opts.color,
    context,
    page,
    logs,
    async join(j = {}) {
      const muted = j.muted ?? opts.muted ?? {};
      await page.getByTestId('prejoin').waitFor({ timeout: T.nav });
      await page.getByTestId('name-input').fill(opts.name);
      if (muted.audio) await page.getByTestId('start-audio-muted').check();
      if (muted.video) await page.getByTestId('start-video-muted').check();
      await page.getByTestId('join-button').click();
      await page.getByTestId('meeting').waitFor({ timeout: T.join });
    },
    endpointId: () => readEndpointId(page, opts.name),
    async close() {
      if (closed) return;
      closed = true;
      open.delete(p);
      await withTimeout(context.close(), 10_000, `closing ${opts.name}'s browser`).catch(() => killBrowserOf(profile));
      rmSync(home, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  open.add(p);
  try {
    if (opts.url) {
      await page.goto(opts.url, { timeout: T.nav, waitUntil: 'domcontentloaded' });
      if (opts.join !== false) await p.join();
    }
  } catch (err) {
    throw explain(err, [p]);
  }
  return p;
}

/**
 * Kills (SIGKILL, by pid) the Chromium processes of one test browser: those whose command line
 * names its own user data dir. Only for a browser that did not close in time.
 */
function killBrowserOf(profile: string): void {
  const marker = `--user-data-dir=${profile}`;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').includes(marker))
        process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone, or not ours to read
    }
  }
}

/** Closes every browser still open (for after() hooks). */
export async function closeAll(): Promise<void> {
  await Promise.allSettled([...open].map((p) => p.close()));
}

/** An error whose message carries the pages' console output, page errors and failed requests. */
export function explain(err: unknown, ps: InspectableParticipant[], extra: string[] = []): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const lines = ps.flatMap((p) => p.logs.slice(-40));
  const more = extra.slice(-60);
  if (lines.length || more.length)
    e.message += `\n--- page logs (last 40 per page) ---\n${lines.join('\n')}${more.length ? `\n--- store state, server warnings and errors ---\n${more.join('\n')}` : ''}`;
  return e;
}

/** What the store says, compactly (for failure messages): phase, error, local id, participants, tiles. */
export async function storeSummary(page: InspectablePage): Promise<string> {
  if (page.isClosed()) return 'page closed';
  return withTimeout(
    page.evaluate(() => {
      const s = (globalThis as any).parleyDebug?.store?.getState?.();
      if (!s) return 'no window.parleyDebug.store';
      const ps = Object.values(s.participants ?? {}).map(
        (p: any) =>
          `${p.id}${p.isLocal ? '(local)' : ''}:${p.displayName}${p.moderator ? ' mod' : ''}${p.audioMuted ? ' a-muted' : ''}${p.videoMuted ? ' v-muted' : ''}`,
      );
      const tiles = (s.tiles ?? []).map(
        (t: any) => `${t.key}/${t.videoType}${t.isLocal ? '/local' : ''}${t.stream ? '' : '/no-stream'}`,
      );
      return `phase=${s.phase} error=${JSON.stringify(s.error ?? null)} localId=${s.localId} participants=[${ps.join(', ')}] tiles=[${tiles.join(', ')}] chat=${s.chat?.length} unread=${s.unreadChat}`;
    }),
    3000,
    'reading the store',
  ).catch((err: Error) => `store unreadable: ${err.message.split('\n')[0]}`);
}

/** Each video stream as getStats() reports it (for failure messages): did packets and keyframes flow? */
export async function videoStatsSummary(page: InspectablePage): Promise<string> {
  if (page.isClosed()) return 'page closed';
  return withTimeout(
    page.evaluate(async () => {
      const dbg = (globalThis as any).parleyDebug;
      if (!dbg?.getStats) return 'no parleyDebug.getStats';
      const report: Map<string, any> = await dbg.getStats();
      const rows: string[] = [];
      const codec = (id: string | undefined) => {
        const c = id ? report.get(id) : undefined;
        return c ? `${c.mimeType}/${c.payloadType}` : 'no-codec';
      };
      for (const r of report.values()) {
        if (r.kind !== 'video') continue;
        if (r.type === 'inbound-rtp')
          rows.push(
            `in mid=${r.mid} ssrc=${r.ssrc} ${codec(r.codecId)} pkts=${r.packetsReceived} lost=${r.packetsLost}` +
              ` frames=${r.framesDecoded} key=${r.keyFramesDecoded} h=${r.frameHeight ?? '-'} pli=${r.pliCount}` +
              ` nack=${r.nackCount}`,
          );
        if (r.type === 'outbound-rtp')
          rows.push(
            `out ssrc=${r.ssrc} ${codec(r.codecId)} rid=${r.rid ?? '-'} pkts=${r.packetsSent} frames=${r.framesEncoded}` +
              ` key=${r.keyFramesEncoded} h=${r.frameHeight ?? '-'} pliIn=${r.pliCount} active=${r.active}` +
              ` limit=${r.qualityLimitationReason}`,
          );
      }
      return rows.length ? rows.join('; ') : 'no video streams';
    }),
    3000,
    'reading getStats',
  ).catch((err: Error) => `stats unreadable: ${err.message.split('\n')[0]}`);
}

/** Runs `fn`; a failure is rethrown with each page's store summary and logs attached. */
export async function checking<T>(
  ps: InspectableParticipant[] | (() => InspectableParticipant[]),
  fn: () => Promise<T>,
  serverLogs?: () => string[],
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const list = typeof ps === 'function' ? ps() : ps;
    const states = await Promise.all(
      list.map(
        async (p) =>
          `[${p.name} store] ${await storeSummary(p.page)}\n[${p.name} video] ${await videoStatsSummary(p.page)}`,
      ),
    );
    throw explain(err, list, [
      ...states,
      ...(serverLogs?.().filter((l) => /"level":"(warn|error)"|error|fail/i.test(l)) ?? []),
    ]);
  }
}

/** The integration harness's (a promise raced against a timer). */
export { withTimeout };

/** Polls `check` until it returns something truthy (bounded); the error says what was last seen. */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined | false | null>,
  timeoutMs: number = T.media,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err instanceof Error ? err.message.split('\n')[0] : err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ---------------------------------------------------------------------------------------------
// What the user sees

/** The tiles of remote cameras (or screens) on this page. */
export function remoteTiles(page: Page, videoType: 'camera' | 'desktop' = 'camera'): Locator {
  return page.locator(`[data-testid="tile"][data-local="false"][data-video-type="${videoType}"]`);
}

export function localTile(page: Page): Locator {
  return page.locator('[data-testid="tile"][data-local="true"][data-video-type="camera"]');
}

/** Opens the participants panel (moderation, recording and streaming controls live there) if it is closed. */
export async function openParticipants(page: Page): Promise<void> {
  if ((await page.getByTestId('participants-panel').count()) === 0)
    await page.getByTestId('toggle-participants').click();
  await page.getByTestId('participants-panel').waitFor({ timeout: T.ui });
}

/** The chat notices this page shows (recording or streaming started, stopped, refused). */
export async function chatNotices(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (globalThis as any).parleyDebug.store
      .getState()
      .chat.filter((m: { notice?: boolean }) => m.notice)
      .map((m: { text: string }) => m.text),
  );
}

export function tileOf(page: Page, participantId: string, videoType: 'camera' | 'desktop' = 'camera'): Locator {
  return page.locator(tileSelector(participantId, videoType));
}

/** The CSS selector of a participant's tile (for pages that are not playwright's, see firefox.ts). */
export function tileSelector(participantId: string, videoType: 'camera' | 'desktop' = 'camera'): string {
  return `[data-testid="tile"][data-participant="${participantId}"][data-video-type="${videoType}"]`;
}

/**
 * The average colour of the centre of the tile's <video> (drawn into a canvas), after the video
 * has a size and has decoded a few frames. Throws when no frame arrives in time.
 */
export async function tileColor(_page: Page, tile: Locator, timeoutMs = T.media): Promise<Rgb> {
  const video = tile.getByTestId('tile-video');
  await video.waitFor({ state: 'attached', timeout: timeoutMs });
  return videoColor(video, timeoutMs);
}

/** Like tileColor, for any <video> locator. */
export async function videoColor(video: Locator, timeoutMs = T.media): Promise<Rgb> {
  return video.evaluate(readVideoColor, timeoutMs, { timeout: timeoutMs + 5000 });
}

/**
 * Runs in the page (playwright's Locator.evaluate, puppeteer's $eval): the average colour of the
 * centre of a <video>, drawn into a canvas once it has a size and has decoded a few frames.
 */
/** The endpoint id a meeting page joined with (window.parleyDebug), on a Chromium or a Firefox page. */
export async function readEndpointId(
  page: { evaluate(fn: () => string): Promise<string> },
  name: string,
): Promise<string> {
  const id = await withTimeout(
    page.evaluate(() => String((globalThis as any).parleyDebug?.endpointId ?? '')),
    5000,
    'reading parleyDebug.endpointId',
  );
  if (!/^[0-9a-f]{8}$/.test(id))
    throw new Error(`${name}: window.parleyDebug.endpointId is "${id}", not an endpoint id`);
  return id;
}

export async function readVideoColor(el: any, timeoutMs: number): Promise<Rgb> {
  const deadline = Date.now() + timeoutMs;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // Wait for a size and a few decoded frames.
  const framesOf = () =>
    typeof el.getVideoPlaybackQuality === 'function' ? el.getVideoPlaybackQuality().totalVideoFrames : 0;
  while (!(el.videoWidth > 0 && el.readyState >= 2)) {
    if (Date.now() > deadline)
      throw new Error(
        `video has no frames (videoWidth=${el.videoWidth}, readyState=${el.readyState}, srcObject=${!!el.srcObject}, paused=${el.paused})`,
      );
    if (el.paused && el.srcObject) el.play().catch(() => {});
    await sleep(100);
  }
  const f0 = framesOf();
  const t0 = el.currentTime;
  while (framesOf() < f0 + 3 && el.currentTime < t0 + 0.2) {
    if (Date.now() > deadline)
      throw new Error(`video stopped after ${framesOf()} frames (currentTime=${el.currentTime})`);
    await sleep(50);
  }
  const w = 64;
  const h = Math.max(2, Math.round((64 * el.videoHeight) / el.videoWidth));
  const canvas = (globalThis as any).document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(el, 0, 0, w, h);
  const x0 = Math.floor(w * 0.25),
    y0 = Math.floor(h * 0.25);
  const data = ctx.getImageData(x0, y0, Math.ceil(w * 0.5), Math.ceil(h * 0.5)).data as Uint8ClampedArray;
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i += 4) {
    sum[0] += data[i];
    sum[1] += data[i + 1];
    sum[2] += data[i + 2];
  }
  const n = data.length / 4;
  return sum.map((s) => Math.round(s / n)) as Rgb;
}

export function isColor(rgb: Rgb, expected: Rgb, tolerance = 40): boolean {
  return rgb.every((c, i) => Math.abs(c - expected[i]) <= tolerance);
}

export function colorName(rgb: Rgb): string {
  const named: [string, Rgb][] = [
    ['red', RED],
    ['green', GREEN],
    ['blue', BLUE],
    ['yellow', YELLOW],
  ];
  return named.find(([, c]) => isColor(rgb, c))?.[0] ?? `rgb(${rgb.join(',')})`;
}

/** Polls the tile until it shows `expected` (the first frames after a keyframe may be grey). */
export async function waitForTileColor(page: Page, tile: Locator, expected: Rgb, timeoutMs = T.media): Promise<Rgb> {
  return waitForColor(() => tileColor(page, tile, 5000), expected, timeoutMs);
}

/** Polls `read` (one video's colour) until it is `expected`; the error names the colour last seen. */
export async function waitForColor(read: () => Promise<Rgb>, expected: Rgb, timeoutMs = T.media): Promise<Rgb> {
  let seen: Rgb | undefined;
  await poll(
    `the tile shows ${colorName(expected)}`,
    async () => {
      seen = await read();
      return isColor(seen, expected);
    },
    timeoutMs,
    300,
  ).catch((err: Error) => {
    throw new Error(`${err.message.split(' (last')[0]}: last seen ${seen ? colorName(seen) : 'no frame'}`);
  });
  return seen!;
}

/**
 * The loudest remote audio this page receives: max audioLevel (0..1) of its inbound-rtp audio,
 * from window.parleyDebug.getStats(), the max totalAudioEnergy, how many inbound audio streams
 * there are and how many of them have carried sound (not just a muted sender's near-silence).
 */
export async function remoteAudioLevel(
  page: InspectablePage,
): Promise<{ level: number; energy: number; streams: number; audible: number }> {
  return withTimeout(
    page.evaluate(async () => {
      const dbg = (globalThis as any).parleyDebug;
      if (!dbg?.getStats) throw new Error('window.parleyDebug.getStats is missing');
      const report = await dbg.getStats();
      let level = 0,
        energy = 0,
        streams = 0,
        audible = 0;
      report?.forEach((s: any) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          streams++;
          level = Math.max(level, s.audioLevel ?? 0);
          energy = Math.max(energy, s.totalAudioEnergy ?? 0);
          // A muted sender still sends near-silence (audioLevel 1/32768, energy ~1e-9 per second);
          // the fake microphone's beeps give audioLevel 0.25..1 and ~0.24 energy per second.
          if ((s.totalAudioEnergy ?? 0) > 1e-3 || (s.audioLevel ?? 0) > 0.01) audible++;
        }
      });
      return { level, energy, streams, audible };
    }),
    5000,
    'parleyDebug.getStats()',
  );
}

/** Waits until the page has heard sound (beeps, not near-silence) from `from` remote audio streams. */
export async function waitForRemoteAudio(page: InspectablePage, from = 1, timeoutMs = T.media): Promise<void> {
  await poll(
    `remote audio is heard from ${from} stream(s) (inbound-rtp audioLevel > 0.01 or totalAudioEnergy > 0.001)`,
    async () => {
      const now = await remoteAudioLevel(page);
      return now.audible >= from ? now : JSON.stringify(now) && false;
    },
    timeoutMs,
    400,
  ).catch(async (err: Error) => {
    throw new Error(
      `${err.message}; stats: ${JSON.stringify(await remoteAudioLevel(page).catch((e: Error) => e.message))}`,
    );
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = new URL('../../docs/screenshots/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: new URL(name, dir).pathname, timeout: T.ui });
}

// ---------------------------------------------------------------------------------------------
// The stack: Prosody + focus + real bridge + web server (HTTPS) on loopback

export interface WebStack {
  url: string;
  stack: Stack;
  caCertPem: string;
  close(): Promise<void>;
}

/**
 * Prosody + focus + real bridge (tests/integration/harness.ts) and the HTTPS web server with a
 * fresh local CA. The client comes from packages/web/dist/public (`npm run build`), or from
 * PARLEY_TEST_STATIC_DIR when set (to try another build of the client).
 */
export async function startWebStack(
  opts: { config?: WebServerOptions['config']; access?: StackAccess; bridge?: Partial<BridgeConfig> } = {},
): Promise<WebStack> {
  const staticDir = process.env.PARLEY_TEST_STATIC_DIR ?? defaultStaticDir();
  if (!existsSync(join(staticDir, 'app.js')) || !existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`the web client is not built (${staticDir} has no app.js/index.html): run npm run build`);
  }
  const stack = await startStack({ realBridge: true, access: opts.access, bridge: opts.bridge });
  const certDir = mkdtempSync(join(tmpdir(), 'parley-certs-'));
  try {
    const certs = await ensureCertificates(certDir, { hostnames: ['localhost'], addresses: ['127.0.0.1'] });
    const web = await startWebServer({
      host: '127.0.0.1',
      httpsPort: 0,
      httpPort: 0,
      xmppHttp: { host: '127.0.0.1', port: stack.prosody.settings.ports.http },
      domain: stack.domain,
      tls: { cert: certs.certPem, key: certs.keyPem },
      caCertPem: certs.caCertPem, // as parley start serves it: /ca.pem
      ...(opts.config ? { config: opts.config } : {}),
      staticDir,
    });
    return {
      url: web.url.replace(/\/$/, ''),
      stack,
      caCertPem: certs.caCertPem,
      async close() {
        await closeAll();
        await withTimeout(web.close(), 5000, 'web server close').catch(() => {});
        await stack.close();
        rmSync(certDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stack.close();
    rmSync(certDir, { recursive: true, force: true });
    throw err;
  }
}

/** A room name of its own for each test. */
export function roomName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface WebStackSuite {
  /** The running stack (started in before(), closed in after()). */
  readonly web: WebStack;
  /** Everyone launched through launch(), in order: named in failure reports, closed with the stack. */
  readonly ps: BrowserParticipant[];
  /** The link to a room of its own: `${web.url}/${roomName(prefix)}`. */
  link(prefix: string): string;
  /** launchParticipant(), and the participant joins `ps`. */
  launch(opts: LaunchOptions): Promise<BrowserParticipant>;
  /** checking() over `ps` and the stack's logs. */
  checking<R>(fn: () => Promise<R>): Promise<R>;
}

/**
 * For a describe() body: one stack for the suite (before: startWebStack, or `start`; then `setup`;
 * after: close), and the participants of its tests.
 */
export function useWebStack(
  opts: {
    config?: WebServerOptions['config'];
    /** Starts something else in place of startWebStack() (its close() is called after the suite). */
    start?: () => Promise<WebStack>;
    /** Runs once the stack is up (e.g. to firewall the media port). */
    setup?: (web: WebStack) => void | Promise<void>;
  } = {},
): WebStackSuite {
  let web: WebStack | undefined;
  const ps: BrowserParticipant[] = [];
  before(async () => {
    web = await (opts.start ? opts.start() : startWebStack({ config: opts.config }));
    await opts.setup?.(web);
  });
  // Each test's browsers close when it ends: a later test must not share two cores with the last one's
  // meeting (three more Chromiums decoding video made the next test's clicks time out).
  afterEach(async () => {
    await Promise.allSettled(ps.splice(0).map((p) => p.close()));
  });
  after(async () => {
    await web?.close();
  });
  const running = (): WebStack => {
    if (!web) throw new Error('useWebStack: the stack is not running (before() failed or has not run)');
    return web;
  };
  return {
    get web() {
      return running();
    },
    ps,
    link: (prefix) => `${running().url}/${roomName(prefix)}`,
    async launch(o) {
      const p = await launchParticipant(o);
      ps.push(p);
      return p;
    },
    checking: (fn) =>
      checking(
        () => ps,
        fn,
        () => running().stack.logs,
      ),
  };
}

// ---------------------------------------------------------------------------------------------
// Assertions shared by the tests

/** Red and Blue join `link` (through suite.launch) and each sees the other's colour within `timeoutMs`. */
export async function redAndBlueSeeEachOther(suite: Pick<WebStackSuite, 'launch'>, link: string, timeoutMs: number) {
  const red = await suite.launch({ color: RED, name: 'Red', url: link });
  const blue = await suite.launch({ color: BLUE, name: 'Blue', url: link });
  const [redId, blueId] = [await red.endpointId(), await blue.endpointId()];
  await waitForTileColor(red.page, tileOf(red.page, blueId), BLUE, timeoutMs);
  await waitForTileColor(blue.page, tileOf(blue.page, redId), RED, timeoutMs);
  return { red, blue, redId, blueId };
}

/**
 * The page shows exactly one remote camera tile for each of `others` (by endpoint id), none for
 * itself, each in that participant's colour, and its own local tile in its own colour.
 */
export async function expectSeesExactly(
  p: BrowserParticipant,
  others: { id: string; color: Rgb; name: string }[],
  ownId: string,
): Promise<void> {
  const want = others.map((o) => o.id).sort();
  let ids: string[] = [];
  await poll(
    `${p.name} shows remote camera tiles of exactly ${others.map((o) => o.name).join(', ')}`,
    async () => {
      ids = (
        await remoteTiles(p.page).evaluateAll((els) => els.map((e: any) => String(e.getAttribute('data-participant'))))
      ).sort();
      return JSON.stringify(ids) === JSON.stringify(want);
    },
    T.media,
  ).catch((err: Error) => {
    throw new Error(
      `${err.message}; remote tiles: [${ids.join(', ')}], expected [${want.join(', ')}], own id ${ownId}`,
    );
  });
  if (ids.includes(ownId)) throw new Error(`${p.name} shows itself (${ownId}) as a remote tile`);
  for (const o of others) {
    const seen = await waitForTileColor(p.page, tileOf(p.page, o.id), o.color).catch((err: Error) => {
      throw new Error(`${p.name}: the tile of ${o.name} (${o.id}): ${err.message}`);
    });
    if (!isColor(seen, o.color)) throw new Error(`${p.name}: ${o.name}'s tile is ${colorName(seen)}`);
  }
  await waitForTileColor(p.page, localTile(p.page), p.color).catch((err: Error) => {
    throw new Error(`${p.name}: its own (local) tile: ${err.message}`);
  });
}

/**
 * Red, Green and Blue open `link` (each in its own Chromium) and each must see exactly the other two
 * in their colours; a failure carries the pages' state and `serverWarnings()`. Returns them (open).
 */
export async function threeMeet(link: string, serverWarnings: () => string[]): Promise<BrowserParticipant[]> {
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
    serverWarnings,
  );
  return ps;
}

/** A free TCP port on 127.0.0.1 where nothing listens (bound, then closed). */
export async function deadPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** The built client over plain HTTP, like a misconfigured deployment without TLS. */
export async function plainHttpClient(): Promise<{ port: number; close(): Promise<void> }> {
  const dir = defaultStaticDir();
  if (!existsSync(join(dir, 'index.html')) || !existsSync(join(dir, 'app.js')))
    throw new Error(`the client is not built (${dir}): run npm run build`);
  const configJs = renderConfigJs(buildParleyConfig('parley.test'));
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/config.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(configJs);
      return;
    }
    const file = join(dir, normalize(path));
    const isFile = extname(path) !== '' && existsSync(file);
    res.writeHead(200, { 'content-type': types[isFile ? extname(file) : '.html'] ?? 'application/octet-stream' });
    res.end(readFileSync(isFile ? file : join(dir, 'index.html')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
