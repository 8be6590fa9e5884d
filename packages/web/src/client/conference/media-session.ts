// The media side of a conference: the Jingle session with the focus (session-initiate answered,
// source-add / source-remove, session-terminate), the bridge channel (dominant speaker, receiver
// constraints from the layout, ForwardedSources), the remote streams shown in tiles, the camera's
// simulcast layers under the video quality setting, and our screen share as an extra source. It
// owns the peer connection (through JingleSession) and the screen stream; it reaches the focus
// through the narrow MediaLink that signaling provides.
import { jingleToXml, occupantJid, xml, type BridgeChannelMessage, type Jingle } from '@parley/protocol';
import type { ConferenceContext } from './context.js';
import { errorDetail } from './errors.js';
import type { RemoteSource } from './tiles.js';
import { currentConstraints, type VisibleLayout } from './receiver-constraints.js';
import { applySendQuality, simulcastLayersFor } from './video-quality.js';
import { JingleSession, type LocalSources } from './jingle-session.js';
import { BridgeChannel } from './bridge-channel.js';
import { FOCUS_NICK } from './room.js';
import { fetchTurnIceServers } from './turn-services.js';
import { IceRecovery } from './ice-recovery.js';
import { newSessionRequest, SessionWatchdog } from './session-watchdog.js';
import type { XmppConnection } from './xmpp-connection.js';

/** What the media session needs from signaling. */
const LAYOUT_DEBOUNCE_MS = 250;

export interface MediaLink {
  connection(): XmppConnection | undefined;
  endpointId(): string | undefined;
  myJid(): string;
  /** Our presence says whether we share a screen. */
  sendPresence(): void;
}

export interface MediaSession {
  /** A Jingle IQ from the focus (run on the queue). */
  onJingle(j: Jingle): Promise<void>;
  /** Remote sources of the session with a MediaStream each (cached per track). */
  remoteSources(): RemoteSource<MediaStream>[];
  /** Sends the receiver constraints for the current view when they changed. */
  sendConstraints(): void;
  /** The UI's rendered tiles changed (page, window size, view): constraints follow, debounced. */
  setLayout(layout: VisibleLayout): void;
  /** The video quality setting changed (state.videoQuality): camera layers and constraints follow. */
  applyQuality(): void;
  /** Closes the peer connection and the bridge channel. */
  close(): void;
  /** The XMPP connection dropped: the current session will be replaced after the rejoin. */
  markStale(): void;
  /** Device change: the new track on the existing sender, no renegotiation. */
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void>;
  /** The screen we share, or null. */
  readonly screen: MediaStream | null;
  /** Shares this screen stream (on the queue): presence, then a source-add when there is a session. */
  shareScreen(stream: MediaStream): Promise<void>;
  /** Stops the screen and removes it from the session (source-remove). */
  stopScreen(): Promise<void>;
  /** Teardown: stops the screen's tracks without telling anyone. */
  dropScreen(): void;
  /** Leave: session-terminate to the focus (resolves once answered or failed); later Jingle is ignored. */
  terminate(): Promise<unknown> | undefined;
  stats(): Promise<RTCStatsReport> | undefined;
  readonly droppedBridgeMessages: number;
}

export function createMediaSession(c: ConferenceContext, link: MediaLink): MediaSession {
  const { env, config } = c;
  // Our Jingle goes to the focus through the room, as lib-jitsi-meet sends it (the MUC relays it).
  const focusOccupant = occupantJid(c.roomJid, FOCUS_NICK);
  let session: JingleSession | undefined;
  /** The session we had when the XMPP connection dropped: the focus replaces it after the rejoin. */
  let staleSession: JingleSession | undefined;
  let channel: BridgeChannel | undefined;
  /** ICE restarts of the current session (ice-recovery.ts). */
  let recovery: IceRecovery | undefined;
  let lastConstraints = '';
  /** What the UI renders; until it first says, the view-based constraints of tiles.ts are used. */
  let layout: VisibleLayout | undefined;
  let layoutTimer: ReturnType<typeof setTimeout> | undefined;
  const watchdog = new SessionWatchdog({
    mediaMs: env.timeouts.mediaMs,
    isCurrent: (s) => session === s,
    hasSession: () => session !== undefined,
    isOver: () => leaving || c.terminal(),
    askForNewSession: (s, detail) => askForNewSession(s as JingleSession, detail),
    fail: (detail) => c.fail({ kind: 'media-failed', detail }),
  });
  const remoteStreams = new Map<string, { track: MediaStreamTrack; stream: MediaStream }>();
  let screen: MediaStream | null = null;
  /** We leave: the focus's late Jingle must not start anything. */
  let leaving = false;

  function remoteSources(): RemoteSource<MediaStream>[] {
    if (!session) {
      remoteStreams.clear();
      return [];
    }
    const out: RemoteSource<MediaStream>[] = [];
    const seen = new Set<string>();
    for (const s of session.remoteSources()) {
      seen.add(s.name);
      let cached = remoteStreams.get(s.name);
      if (s.track && cached?.track !== s.track) {
        cached = { track: s.track, stream: new env.MediaStream([s.track]) };
        remoteStreams.set(s.name, cached);
      }
      out.push({ name: s.name, media: s.media, stream: cached?.stream ?? null });
    }
    for (const name of [...remoteStreams.keys()]) if (!seen.has(name)) remoteStreams.delete(name);
    return out;
  }

  function sendConstraints(): void {
    if (!channel) return;
    const receivable = (session?.remoteSources() ?? []).filter((s) => s.media === 'video').map((s) => s.name);
    const m = currentConstraints(c.state, layout, receivable);
    const text = JSON.stringify(m);
    if (text === lastConstraints) return;
    lastConstraints = text;
    channel.send(m);
  }

  /** Window resizes come in bursts: the bridge hears the size they settle on. */
  function setLayout(next: VisibleLayout): void {
    layout = next;
    clearTimeout(layoutTimer);
    layoutTimer = setTimeout(sendConstraints, LAYOUT_DEBOUNCE_MS);
  }

  function applyQuality(): void {
    const sender = session?.cameraSender();
    if (sender)
      applySendQuality(sender, c.state.videoQuality).catch((err: unknown) =>
        env.log('quality.send_failed', { error: errorDetail(err) }),
      );
    sendConstraints();
  }

  function close(): void {
    watchdog.stop();
    clearTimeout(layoutTimer);
    channel?.close();
    channel = undefined;
    lastConstraints = '';
    recovery?.close();
    recovery = undefined;
    session?.close();
    session = undefined;
    staleSession = undefined;
    remoteStreams.clear(); // a new session brings new receivers: never show the old tracks
  }

  async function onJingle(j: Jingle): Promise<void> {
    if (c.terminal() || leaving) return;
    switch (j.action) {
      case 'session-initiate':
        return acceptSession(j);
      case 'source-add':
      case 'source-remove':
        if (!session || session.sid !== j.sid) return;
        await session.applySourceChange(j);
        return c.refresh();
      case 'transport-replace': {
        if (!session || session.sid !== j.sid || !recovery) return;
        const accept = await recovery.onTransportReplace(j);
        sendJingle(accept).catch((err: unknown) =>
          env.log('jingle.transport_accept_failed', { error: errorDetail(err) }),
        );
        return;
      }
      case 'session-terminate':
        if (session && session.sid !== j.sid) return;
        if (j.reason?.condition === 'connectivity-error') {
          // The focus moves the conference to another bridge: a new session-initiate follows.
          close();
          return c.refresh();
        }
        return c.fail({
          kind: 'meeting-ended',
          detail: `session-terminate: ${j.reason?.condition ?? 'no reason'}${j.reason?.text ? ` (${j.reason.text})` : ''}`,
        });
      default:
        return;
    }
  }

  async function acceptSession(offer: Jingle): Promise<void> {
    close(); // a bridge move or a reconnection replaces the peer connection
    const userAgent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? '';
    const s: JingleSession = new JingleSession(
      offer,
      link.endpointId()!,
      env.RTCPeerConnection,
      {
        remoteChanged: () => {
          if (session === s) c.refresh();
        },
        connectionState: (cs) => {
          if (session !== s) return;
          env.log('pc.state', { state: cs });
          if (cs === 'connected') watchdog.stop();
          if (cs === 'failed' && s === staleSession) {
            // The bridge expired our old endpoint while we were away: the rejoin brings a new session.
            env.log('pc.stale_failed', { sid: s.sid });
            close();
            return c.refresh();
          }
          if (cs === 'failed' && recovery?.handlesFailure) return; // an ICE restart brings it back
          if (cs === 'failed')
            c.fail({ kind: 'media-failed', detail: `connectionState failed (ICE ${s.pc.iceConnectionState})` });
        },
        dataChannel: (dc) => {
          if (session !== s && session !== undefined) return;
          channel = new BridgeChannel(dc, onBridgeMessage);
          lastConstraints = '';
          sendConstraints();
        },
      },
      simulcastLayersFor(userAgent),
    );
    session = s;
    recovery = new IceRecovery(s, {
      send: sendJingle,
      log: env.log,
      giveUp: (detail) => {
        if (session === s) c.fail({ kind: 'media-failed', detail });
      },
    });
    let answer: Jingle;
    const local = c.state.localStream;
    try {
      answer = await s.accept(
        { audio: local?.getAudioTracks()[0] ?? null, video: local?.getVideoTracks()[0] ?? null },
        link.myJid(),
        () => fetchTurnIceServers((el, ms) => link.connection()!.request(el, ms), config.domain),
      );
    } catch (err) {
      close();
      c.fail({ kind: 'media-failed', detail: `could not answer the offer: ${errorDetail(err)}` });
      throw err;
    }
    if (c.state.videoQuality !== 'high') applyQuality();
    const x = link.connection()!;
    setTimeout(() => {
      x.request(xml('iq', { type: 'set', to: focusOccupant }, jingleToXml(answer)), 10_000)
        .then(() => {
          if (session === s && screen) c.queue.post('re-add screen', () => shareScreenOnSession(s));
        })
        .catch((err: unknown) => env.log('jingle.accept_failed', { error: errorDetail(err) }));
    }, 0);
    watchdog.watch(s);
    c.refresh();
  }

  /**
   * The path to the bridge works (ICE connected) but the session never did (DTLS): not a blocked
   * network, so not the doctor page yet. Once per join, ask the focus for a new session as
   * lib-jitsi-meet does (session-terminate with <bridge-session restart="true"/>): the focus
   * re-invites us on a fresh bridge endpoint and we stay in the room.
   */
  function askForNewSession(s: JingleSession, detail: string): void {
    env.log('session.restart_requested', { sid: s.sid, detail });
    close();
    sendJingle(newSessionRequest(s.sid)).catch((err: unknown) =>
      c.fail({ kind: 'media-failed', detail: `${detail}; no new session: ${errorDetail(err)}` }),
    );
  }

  function onBridgeMessage(m: BridgeChannelMessage): void {
    if (m.colibriClass === 'ForwardedSources') {
      const next = [...m.forwardedSources].sort();
      if (JSON.stringify(next) !== JSON.stringify(c.state.forwardedSources)) c.set({ forwardedSources: next });
      return;
    }
    if (m.colibriClass === 'DominantSpeakerEndpointChangeEvent') {
      if (m.dominantSpeakerEndpoint !== c.state.dominantSpeaker) {
        c.set({ dominantSpeaker: m.dominantSpeakerEndpoint });
        sendConstraints();
      }
    }
  }

  function sendJingle(j: Jingle): Promise<unknown> {
    const x = link.connection();
    if (!x) return Promise.resolve();
    return x.request(xml('iq', { type: 'set', to: focusOccupant }, jingleToXml(j)), 10_000);
  }

  function sourceJingle(action: 'source-add' | 'source-remove', sid: string, l: LocalSources): Jingle {
    return {
      action,
      sid,
      contents: [
        {
          name: 'video',
          creator: 'initiator',
          senders: 'both',
          description: {
            media: 'video',
            payloadTypes: [],
            headerExtensions: [],
            sources: l.sources,
            sourceGroups: l.groups,
            rtcpMux: false,
          },
        },
      ],
    };
  }

  async function shareScreenOnSession(s: JingleSession): Promise<void> {
    const track = screen?.getVideoTracks()[0];
    if (!track || s.isClosed) return;
    const added = await s.addScreen(track);
    if (added.sources.length > 0) await sendJingle(sourceJingle('source-add', s.sid, added));
  }

  async function stopScreen(): Promise<void> {
    const stream = screen;
    if (!stream) return;
    screen = null;
    stream.getTracks().forEach((t) => t.stop());
    c.refresh({ screenSharing: false });
    link.sendPresence();
    const s = session;
    if (!s) return;
    try {
      const removed = await s.removeScreen();
      if (removed && removed.sources.length > 0 && !s.isClosed)
        await sendJingle(sourceJingle('source-remove', s.sid, removed));
    } catch (err) {
      env.log('screen.stop_failed', { error: errorDetail(err) });
    }
  }

  async function shareScreen(stream: MediaStream): Promise<void> {
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    track.addEventListener('ended', () => {
      if (screen === stream) c.queue.post('screen ended', stopScreen);
    });
    await c.queue.run('start screen', async () => {
      if (c.terminal()) return void stream.getTracks().forEach((t) => t.stop());
      screen = stream;
      c.refresh({ screenSharing: true });
      link.sendPresence();
      try {
        if (session) await shareScreenOnSession(session);
      } catch (err) {
        env.log('screen.failed', { error: errorDetail(err) });
        await stopScreen();
      }
    });
  }

  return {
    onJingle,
    remoteSources,
    sendConstraints,
    setLayout,
    applyQuality,
    close,
    markStale() {
      staleSession = session;
    },
    async replaceTrack(kind, track) {
      if (session) await session.replaceTrack(kind, track);
    },
    get screen() {
      return screen;
    },
    shareScreen,
    stopScreen,
    dropScreen() {
      screen?.getTracks().forEach((t) => t.stop());
      screen = null;
    },
    terminate() {
      leaving = true;
      const s = session;
      if (!link.connection() || !s) return undefined;
      return sendJingle({ action: 'session-terminate', sid: s.sid, contents: [], reason: { condition: 'success' } });
    },
    stats: () => session?.stats(),
    get droppedBridgeMessages() {
      return channel?.dropped ?? 0;
    },
  };
}
