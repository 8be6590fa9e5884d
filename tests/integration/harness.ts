// A real Prosody on loopback, the real focus (with the in-memory bridge), and scripted XMPP
// clients that behave like Parley's web client at the signaling level.
import { client } from '@xmpp/client';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  conferenceRequestToXml,
  parseStanzaError,
  jingleToXml,
  mucJoinPresence,
  newEndpointId,
  occupantJid,
  parseJingle,
  participantPresenceChildren,
  xml,
  type Element,
  type IceTransport,
  type Jingle,
  type ParticipantInfo,
  type Source,
  type SourceGroup,
} from '@parley/protocol';
import { FakeBridgeClient, startFocus, type BridgeClient, type RunningFocus } from '@parley/focus';
import { startBridge, type BridgeConfig, type RunningBridge } from '@parley/bridge';
import { makeTestProsody, type ProsodySettingsInput, type TestProsody } from '@parley/xmpp-config';
import { createLogger, type Logger } from '@parley/service';

/** Where a scripted participant connects. */
export interface Target {
  domain: string;
  mucDomain: string;
  focusJid: string;
  c2sPort: number;
}

export interface Stack extends Target {
  prosody: TestProsody;
  focus: RunningFocus;
  /** The in-memory bridge (signaling tests); absent when a real bridge runs. */
  bridge: FakeBridgeClient;
  /** The real SFU, when started with { realBridge: true }. */
  sfu?: RunningBridge;
  /** Where the real SFU records (a temp dir of this stack, removed with it). */
  recordingsDir?: string;
  domain: string;
  mucDomain: string;
  focusJid: string;
  c2sPort: number;
  logs: string[];
  participant(name?: string): Promise<TestParticipant>;
  close(): Promise<void>;
}

/** An access mode of issue 11 (tests/integration/access-stack.ts has the scripted side). */
export interface StackAccess {
  mode: 'login' | 'token';
  /** Accounts on the main domain (login mode). */
  accounts?: { user: string; password: string }[];
  /** HS256 secret of invite tokens (token mode). */
  tokenSecret?: string;
}

type FocusStartSettings = Parameters<typeof startFocus>[0];

/** The focus's settings for a test Prosody (in-memory bridge, debug logs, no HTTP port); `extra` overrides. */
export function testFocusConfig(prosody: TestProsody, extra: Partial<FocusStartSettings> = {}): FocusStartSettings {
  return {
    domain: prosody.domains.domain,
    xmppComponentUrl: `xmpp://127.0.0.1:${prosody.settings.ports.component}`,
    focusSecret: prosody.settings.focus.secret,
    httpHost: '127.0.0.1',
    httpPort: 0,
    bridge: 'fake',
    bridgeUser: prosody.settings.bridgeAccount.username,
    idleTimeoutMs: 30_000,
    logLevel: 'debug',
    ...extra,
  };
}

export async function startStack(
  opts: {
    idleTimeoutMs?: number;
    realBridge?: boolean;
    turn?: ProsodySettingsInput['turn'];
    access?: StackAccess;
    /** More focus settings (e.g. webhookUrls). */
    focus?: Partial<FocusStartSettings>;
    /** More settings of the real bridge (e.g. recordingMinFreeMb). */
    bridge?: Partial<BridgeConfig>;
  } = {},
): Promise<Stack> {
  const logs: string[] = [];
  const prosody = await makeTestProsody({
    log: (l) => logs.push(`prosody ${l}`),
    turn: opts.turn,
    ...(opts.access && {
      access: { mode: opts.access.mode },
      accounts: (opts.access.accounts ?? []).map((a) => ({ ...a, host: 'parley.test' })),
    }),
  });
  const d = prosody.domains;
  const bridge = new FakeBridgeClient();
  const log: Logger = createLogger('focus', { level: 'debug', write: (l) => logs.push(l) });
  let focus: RunningFocus;
  let sfu: RunningBridge | undefined;
  const recordingsDir = opts.realBridge ? mkdtempSync(join(tmpdir(), 'parley-recordings-')) : undefined;
  try {
    if (opts.realBridge) {
      sfu = await startBridge(
        {
          domain: d.domain,
          xmppService: `xmpp://127.0.0.1:${prosody.settings.ports.c2s}`,
          username: prosody.settings.bridgeAccount.username,
          password: prosody.settings.bridgeAccount.password,
          bridgeId: 'jvb-test',
          focusJids: [],
          mediaPort: 0,
          tcpPort: 0,
          bindAddress: '127.0.0.1',
          advertise: ['127.0.0.1'],
          httpHost: '127.0.0.1',
          httpPort: 0,
          statsIntervalMs: 1000,
          logLevel: 'debug',
          recordingsDir,
          ...opts.bridge,
        },
        {
          log: createLogger('bridge', { level: 'debug', write: (l) => logs.push(l) }),
          allowRemote: (ip) => ip === '127.0.0.1' || ip === '::ffff:127.0.0.1',
        },
      );
    }
    focus = await startFocus(
      testFocusConfig(prosody, {
        bridge: opts.realBridge ? 'colibri2' : 'fake',
        idleTimeoutMs: opts.idleTimeoutMs ?? 30_000,
        ...(opts.access && { auth: opts.access.mode, tokenSecret: opts.access.tokenSecret ?? '' }),
        ...opts.focus,
      }),
      { log, bridge: opts.realBridge ? undefined : (bridge as BridgeClient) },
    );
    if (sfu) await waitUntil('the focus sees the bridge in the brewery', () => focus.bridge.available() > 0, 10_000);
  } catch (err) {
    await sfu?.close();
    await prosody.stop();
    if (recordingsDir) rmSync(recordingsDir, { recursive: true, force: true });
    throw err;
  }
  const clients: TestParticipant[] = [];
  return {
    prosody,
    focus,
    bridge,
    domain: d.domain,
    mucDomain: d.muc,
    focusJid: d.focus,
    c2sPort: prosody.settings.ports.c2s,
    logs,
    sfu,
    recordingsDir,
    async participant(this: Stack, name?: string) {
      const p = await TestParticipant.connect(this, name);
      clients.push(p);
      return p;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.disconnect()));
      await focus.close();
      await sfu?.close();
      await prosody.stop();
      if (recordingsDir && !process.env.PARLEY_KEEP_RECORDINGS) rmSync(recordingsDir, { recursive: true, force: true });
    },
  };
}

export async function waitUntil(what: string, check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type XmppClient = ReturnType<typeof client>;

/** What one scripted participant has seen, and the actions it can take. */
export class TestParticipant {
  readonly endpointId = newEndpointId();
  readonly jingles: { jingle: Jingle; from: string }[] = [];
  readonly presences: Element[] = [];
  readonly messages: Element[] = [];
  /** <mute xmlns="http://jitsi.org/jitmeet/audio"> requests the focus passed on. */
  readonly muteRequests: { from: string; value: string }[] = [];
  room?: string;
  sid?: string;
  /** Called for every Jingle request the focus sends, in order (after it is recorded). */
  onJingle?: (j: Jingle) => void;
  private waiters: (() => void)[] = [];

  jid = '';

  private constructor(
    readonly stack: Target,
    readonly xmpp: XmppClient,
    readonly name: string,
  ) {}

  /**
   * `how.service`: another way in than c2s, e.g. the web server's wss:// /xmpp-websocket like a browser.
   * `how.username`/`how.password`: logged in instead of anonymous (access mode "login").
   */
  static async connect(
    stack: Target,
    name = 'Tester',
    how: { service?: string; prepare?(xmpp: XmppClient): void; username?: string; password?: string } = {},
  ): Promise<TestParticipant> {
    const { service, prepare, ...credentials } = how;
    const xmpp = client({
      service: service ?? `xmpp://127.0.0.1:${stack.c2sPort}`,
      domain: stack.domain,
      ...credentials,
    });
    prepare?.(xmpp);
    xmpp.on('error', () => {});
    const self = new TestParticipant(stack, xmpp, name);
    xmpp.iqCallee.set('urn:xmpp:jingle:1', 'jingle', (ctx: { stanza: Element; element: Element }) => {
      const jingle = parseJingle(ctx.element as Element);
      self.jingles.push({ jingle, from: ctx.stanza.attrs.from });
      if (jingle.action === 'session-initiate') self.sid = jingle.sid;
      self.onJingle?.(jingle);
      self.wake();
      return true;
    });
    xmpp.iqCallee.set('http://jitsi.org/jitmeet/audio', 'mute', (ctx: { stanza: Element; element: Element }) => {
      self.muteRequests.push({ from: ctx.stanza.attrs.from, value: (ctx.element as Element).getText() });
      self.wake();
      return true;
    });
    xmpp.on('stanza', (s: Element) => {
      if (s.name === 'presence') self.presences.push(s);
      else if (s.name === 'message') self.messages.push(s);
      self.wake();
    });
    self.jid = String(await withTimeout(xmpp.start(), 10_000, 'xmpp client start'));
    return self;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits (bounded) until `check` returns something truthy. */
  async waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 8000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.endpointId} timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  request(iq: Element, timeoutMs = 10_000): Promise<Element> {
    return this.xmpp.iqCaller.request(iq as never, timeoutMs) as Promise<Element>;
  }

  /** Asks the focus for the conference, like lib-jitsi-meet's moderator.createConferenceRequest. */
  async requestConference(room: string, properties: Record<string, string> = {}): Promise<Element> {
    this.room = `${room}@${this.stack.mucDomain}`;
    return this.request(
      xml('iq', { type: 'set', to: this.stack.focusJid }, conferenceRequestToXml({ room: this.room, properties })),
    );
  }

  async join(room: string, info: ParticipantInfo = {}, properties: Record<string, string> = {}): Promise<void> {
    await this.requestConference(room, properties);
    this.xmpp.send(
      mucJoinPresence(occupantJid(this.room!, this.endpointId), {
        maxHistory: 20,
        children: participantPresenceChildren({ nick: this.name, ...info }),
      }) as never,
    );
    await this.waitFor('own MUC presence', () =>
      this.presences.find((p) => p.attrs.from === occupantJid(this.room!, this.endpointId) && !p.attrs.type),
    );
  }

  setPresence(info: ParticipantInfo): void {
    this.xmpp.send(
      xml(
        'presence',
        { to: occupantJid(this.room!, this.endpointId) },
        ...participantPresenceChildren({ nick: this.name, ...info }),
      ) as never,
    );
  }

  async sessionInitiate(): Promise<Jingle> {
    const found = await this.waitFor('session-initiate', () =>
      this.jingles.findLast((j) => j.jingle.action === 'session-initiate'),
    );
    return found.jingle;
  }

  /** This participant's camera and microphone, with Jitsi-style names and a simulcast+RTX video group. */
  readonly own: OwnSources = makeOwnSources(this.endpointId);

  static sources(owner: string, base: number): OwnSources {
    const v = [base + 1, base + 2, base + 3, base + 4, base + 5, base + 6];
    return {
      audio: [{ ssrc: base, name: `${owner}-a0`, owner, msid: `${owner}-audio-0 ${owner}-audio-track` }],
      video: v.map((ssrc) => ({ ssrc, name: `${owner}-v0`, owner, videoType: 'camera' as const })),
      videoGroups: [
        { semantics: 'SIM', ssrcs: [v[0], v[1], v[2]] },
        { semantics: 'FID', ssrcs: [v[0], v[3]] },
        { semantics: 'FID', ssrcs: [v[1], v[4]] },
        { semantics: 'FID', ssrcs: [v[2], v[5]] },
      ],
    };
  }

  clientTransport(): IceTransport {
    return {
      ufrag: 'cl' + this.endpointId.slice(0, 4),
      pwd: 'clientpassword' + this.endpointId,
      rtcpMux: true,
      fingerprints: [
        {
          hash: 'sha-256',
          setup: 'active',
          value: '11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00',
        },
      ],
      candidates: [
        {
          foundation: '1',
          component: 1,
          protocol: 'udp',
          priority: 2122260223,
          ip: '127.0.0.1',
          port: 40000 + (parseInt(this.endpointId.slice(0, 3), 16) % 20000),
          type: 'host',
          generation: 0,
        },
      ],
    };
  }

  /** Answers the session-initiate the way a browser would: its transport and its own sources. */
  async accept(sources: OwnSources = this.own): Promise<Element> {
    const offer = await this.sessionInitiate();
    const transport = this.clientTransport();
    const answer: Jingle = {
      action: 'session-accept',
      sid: offer.sid,
      responder: this.jid,
      bundle: offer.bundle,
      contents: offer.contents.map((c) => {
        const description = c.description && {
          ...c.description,
          sources: c.description.media === 'audio' ? sources.audio : sources.video,
          sourceGroups: c.description.media === 'audio' ? [] : sources.videoGroups,
        };
        return {
          name: c.name,
          creator: c.creator,
          senders: c.senders,
          description,
          transport: { ...transport, sctpPort: c.name === 'data' ? 5000 : undefined },
        };
      }),
    };
    return this.sendJingle(answer);
  }

  /** room@conference/focus: where the focus's Jingle comes from, and where ours goes (like the web client). */
  get focusOccupant(): string {
    return occupantJid(this.room!, 'focus');
  }

  /** Sends Jingle to the focus through the room (its occupant JID), or to `to` (e.g. the component JID). */
  sendJingle(j: Jingle, to = this.focusOccupant): Promise<Element> {
    return this.request(xml('iq', { type: 'set', to }, jingleToXml(j)));
  }

  /** Every source this participant has been told about (initiate + adds - removes), by ssrc. */
  knownRemoteSsrcs(): Set<number> {
    const known = new Set<number>();
    for (const { jingle } of this.jingles) {
      const ssrcs = jingle.contents.flatMap((c) => c.description?.sources.map((s) => s.ssrc) ?? []);
      if (jingle.action === 'session-initiate' || jingle.action === 'source-add') ssrcs.forEach((s) => known.add(s));
      if (jingle.action === 'source-remove') ssrcs.forEach((s) => known.delete(s));
    }
    return known;
  }

  /**
   * Waits until this participant has been told about every one of `ssrcs` (the offer names no sources:
   * others' follow the accept in a source-add, so accept first).
   */
  async waitForRemoteSsrcs(what: string, ssrcs: number[], timeoutMs = 8000): Promise<void> {
    const known = await this.waitFor(
      what,
      () => {
        const k = this.knownRemoteSsrcs();
        return ssrcs.every((s) => k.has(s)) && k;
      },
      timeoutMs,
    );
    assert.ok(known, what);
  }

  async disconnect(): Promise<void> {
    await withTimeout(this.xmpp.stop(), 5000, 'xmpp client stop').catch(() => {});
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]);
}

export interface OwnSources {
  audio: Source[];
  video: Source[];
  videoGroups: SourceGroup[];
}

let nextBase = 1000 + Math.floor(Math.random() * 1e6) * 100;
function makeOwnSources(owner: string): OwnSources {
  nextBase += 100;
  return TestParticipant.sources(owner, nextBase);
}

export function ssrcsOf(s: OwnSources): number[] {
  return [...s.audio, ...s.video].map((x) => x.ssrc);
}

/** Asserts that an IQ request fails with this stanza error condition and a text matching `text`. */
export async function expectStanzaError(p: Promise<unknown>, condition: string, text: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error & { element?: Element; condition?: string; stanza?: Element }) => {
    const el = err.stanza ?? err.element;
    const e = el ? parseStanzaError(el) : undefined;
    assert.equal(e?.condition ?? err.condition, condition, `expected ${condition}, got ${err.message}`);
    assert.match(e?.text ?? err.message, text);
    return true;
  });
}
