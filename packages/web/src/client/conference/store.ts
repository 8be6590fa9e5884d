// The conference store: state + actions for the components. XMPP (xmpp-connection), the Jingle
// session and RTCPeerConnection (jingle-session), the bridge channel and local media live behind
// it. Jingle, presence, messages and the actions that renegotiate all run through one queue.
import {
  bareJid, conferenceRequestToXml, jingleToXml, mucJoinPresence, newEndpointId, occupantJid, parseConferenceReady,
  parseJingle, participantPresenceChildren, setRoleIq, xml,
  type BridgeChannelMessage, type Element, type Jingle, type ParticipantInfo, type SourceInfoEntry,
} from '@parley/protocol';
import type { ConferenceError, ConferenceState, ConferenceStore, JoinOptions, ParleyConfig } from './types.js';
import { SerialQueue } from './queue.js';
import { deviceErrorKind, errorDetail, resolveServiceUrl } from './errors.js';
import { addChat, applyPresenceStanza, chatStanza, emptyRoom, newChatId, parseChatStanza, participantsOf, type RoomModel } from './room.js';
import { audioOf, buildTiles, receiverConstraints, type RemoteSource } from './tiles.js';
import { createXmppConnection, type XmppConnection, type XmppFactory } from './xmpp-connection.js';
import { JingleSession, type LocalSources } from './jingle-session.js';
import { BridgeChannel } from './bridge-channel.js';
import { getCameraAndMic, getDeviceTrack, getScreen, listDevices, MicMeter, type MediaEnv } from './local-media.js';

export interface StoreEnv {
  mediaDevices: MediaDevices | undefined;
  isSecureContext: boolean;
  location: { protocol: string; host: string; origin: string };
  RTCPeerConnection: typeof RTCPeerConnection;
  MediaStream: typeof MediaStream;
  AudioContext: typeof AudioContext | undefined;
  createXmpp: XmppFactory;
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  clipboard: { writeText(text: string): Promise<void> } | undefined;
  timeouts: { focusMs: number; mediaMs: number; reconnectMs: number; connectMs: number };
  log(event: string, data?: Record<string, unknown>): void;
}

const NAME_KEY = 'parley.displayName';
const JINGLE_NS = 'urn:xmpp:jingle:1';
const AUDIO_NS = 'http://jitsi.org/jitmeet/audio';

function defaultEnv(): StoreEnv {
  const g = globalThis as unknown as Partial<Window & typeof globalThis>;
  let storage: Storage | undefined;
  try { storage = g.localStorage; } catch { storage = undefined; }
  return {
    mediaDevices: g.navigator?.mediaDevices,
    isSecureContext: g.isSecureContext !== false,
    location: g.location ?? { protocol: 'https:', host: 'localhost', origin: 'https://localhost' },
    RTCPeerConnection: g.RTCPeerConnection!,
    MediaStream: g.MediaStream!,
    AudioContext: g.AudioContext,
    createXmpp: createXmppConnection,
    storage,
    clipboard: g.navigator?.clipboard,
    timeouts: { focusMs: 15_000, mediaMs: 20_000, reconnectMs: 30_000, connectMs: 15_000 },
    log: (event, data) => console.info(JSON.stringify({ event, ...data })),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => { t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms); }),
  ]);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createConferenceStore(config: ParleyConfig, room: string, envOverrides: Partial<StoreEnv> = {}): ConferenceStore {
  const env: StoreEnv = { ...defaultEnv(), ...envOverrides };
  const mediaEnv = (): MediaEnv => ({ mediaDevices: env.mediaDevices!, ...(env.AudioContext ? { AudioContext: env.AudioContext } : {}) });
  const roomJid = `${room.toLowerCase()}@${config.mucDomain}`;
  const wsUrl = resolveServiceUrl(config.websocketUrl, env.location, 'websocket');
  const focusJids = new Set([config.focusJid]);

  let state: ConferenceState = {
    phase: 'prejoin', room, displayName: env.storage?.getItem(NAME_KEY) ?? '', participants: {}, tiles: [], audioStreams: {},
    localStream: null, micLevel: 0, audioMuted: false, videoMuted: false, screenSharing: false, view: 'tile', chat: [],
    unreadChat: 0, chatOpen: false, participantsOpen: false,
    devices: { audioInputs: [], videoInputs: [], audioOutputs: [] }, reconnecting: false,
  };
  const listeners = new Set<(s: ConferenceState) => void>();
  const queue = new SerialQueue((err, what) => env.log('queue.task_failed', { what, error: errorDetail(err) }));

  let xmpp: XmppConnection | undefined;
  let endpointId: string | undefined;
  let myJid = '';
  let roomModel: RoomModel = emptyRoom();
  let session: JingleSession | undefined;
  let channel: BridgeChannel | undefined;
  let lastConstraints = '';
  let mediaTimer: ReturnType<typeof setTimeout> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let meter: MicMeter | undefined;
  let screen: MediaStream | null = null;
  let raisedHand: number | undefined;
  let inRoom = false;
  let leaving = false;
  let rejoinDeadline = 0;
  let droppedStanzas = 0;
  const remoteStreams = new Map<string, { track: MediaStreamTrack; stream: MediaStream }>();

  function set(patch: Partial<ConferenceState>): void {
    state = { ...state, ...patch };
    for (const l of [...listeners]) {
      try { l(state); } catch (err) { env.log('listener.failed', { error: errorDetail(err) }); }
    }
  }

  const terminal = () => state.phase === 'left' || (state.phase === 'error' && !!state.error && !['no-devices', 'permission-denied'].includes(state.error.kind));
  const inMeeting = () => state.phase === 'joining' || state.phase === 'in-meeting';
  const audioTrack = () => state.localStream?.getAudioTracks()[0] ?? null;
  const videoTrack = () => state.localStream?.getVideoTracks()[0] ?? null;

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

  /** Recomputes participants, tiles and audio from the room model and the session. */
  function refresh(patch: Partial<ConferenceState> = {}): void {
    const s = { ...state, ...patch };
    const local = endpointId && (s.phase === 'in-meeting' || s.phase === 'joining' || inRoom)
      ? { id: endpointId, displayName: s.displayName, audioMuted: s.audioMuted, videoMuted: s.videoMuted, screenSharing: s.screenSharing, ...(raisedHand !== undefined ? { raisedHand } : {}) }
      : undefined;
    const cam = s.localStream && s.localStream.getVideoTracks().length > 0 && !s.videoMuted ? s.localStream : null;
    const input = { ...(local ? { local: { id: local.id, camera: cam, screen } } : {}), room: roomModel, remote: remoteSources() };
    const tiles = buildTiles(input);
    set({ ...patch, ...(local ? { localId: local.id } : {}), participants: participantsOf(roomModel, local), tiles, audioStreams: audioOf(input) });
    sendConstraints();
  }

  function sendConstraints(): void {
    if (!channel) return;
    const m = receiverConstraints(state.view, state.pinned, state.dominantSpeaker, state.tiles);
    const text = JSON.stringify(m);
    if (text === lastConstraints) return;
    lastConstraints = text;
    channel.send(m);
  }

  function fail(error: ConferenceError): void {
    if (terminal()) return;
    env.log('conference.error', { ...error });
    const fatal = error.kind !== 'no-devices' && error.kind !== 'permission-denied';
    if (fatal) teardown(error.kind !== 'media-failed' && error.kind !== 'signaling-failed');
    set({ phase: 'error', error, reconnecting: false });
  }

  function closeSession(): void {
    clearTimeout(mediaTimer);
    channel?.close();
    channel = undefined;
    lastConstraints = '';
    session?.close();
    session = undefined;
  }

  function teardown(stopTracks: boolean): void {
    clearTimeout(reconnectTimer);
    closeSession();
    inRoom = false;
    const x = xmpp;
    xmpp = undefined;
    void x?.stop();
    if (stopTracks) stopLocalMedia();
  }

  function stopLocalMedia(): void {
    meter?.stop();
    meter = undefined;
    state.localStream?.getTracks().forEach((t) => t.stop());
    screen?.getTracks().forEach((t) => t.stop());
    screen = null;
  }

  // ---- presence ----

  function presenceInfo(): ParticipantInfo {
    const id = endpointId!;
    const sourceInfo: Record<string, SourceInfoEntry> = {
      [`${id}-a0`]: { muted: state.audioMuted },
      [`${id}-v0`]: { muted: state.videoMuted, videoType: 'camera' },
    };
    if (screen) sourceInfo[`${id}-v1`] = { muted: false, videoType: 'desktop' };
    const info: ParticipantInfo = { nick: state.displayName, audioMuted: state.audioMuted, videoMuted: state.videoMuted, sourceInfo };
    if (raisedHand !== undefined) info.raisedHand = raisedHand;
    return info;
  }

  function sendPresence(): void {
    if (!xmpp || !endpointId || !inRoom) return;
    xmpp.send(xml('presence', { to: occupantJid(roomJid, endpointId) }, ...participantPresenceChildren(presenceInfo())));
  }

  function joinRoom(maxHistory: number): void {
    xmpp?.send(mucJoinPresence(occupantJid(roomJid, endpointId!), { maxHistory, children: participantPresenceChildren(presenceInfo()) }));
  }

  function onPresence(stanza: Element): void {
    const from = String(stanza.attrs.from ?? '');
    if (stanza.attrs.type === 'error') {
      if (from !== occupantJid(roomJid, endpointId!)) return;
      const condition = stanza.getChild('error')?.getChildElements()[0]?.name ?? 'error';
      if (condition === 'conflict' && Date.now() < rejoinDeadline) {
        // After a reconnect the old occupant may linger for a moment: try the same nick again.
        setTimeout(() => { if (xmpp && !terminal()) joinRoom(0); }, 2000);
        return;
      }
      fail({ kind: 'signaling-failed', detail: `the room ${roomJid} refused to let us in: ${condition}`, url: wsUrl });
      return;
    }
    const r = applyPresenceStanza(roomModel, stanza, endpointId);
    if (r.error) {
      droppedStanzas++;
      env.log('presence.malformed', { from, error: errorDetail(r.error) });
      return;
    }
    roomModel = r.room;
    const o = r.outcome;
    if (o.kind === 'ignored') return;
    if (o.kind === 'self') {
      inRoom = true;
      refresh(state.phase === 'joining' ? { phase: 'in-meeting' } : {});
      return;
    }
    if (o.kind === 'self-gone') {
      inRoom = false;
      if (leaving) return;
      if (o.removed) return fail({ kind: 'removed' });
      if (state.reconnecting) return;
      return fail({ kind: 'meeting-ended', detail: `left the room (status ${o.codes.join(', ') || 'none'})` });
    }
    if (o.kind === 'left' && state.dominantSpeaker === o.nick) return refresh({ dominantSpeaker: undefined });
    refresh();
  }

  function onMessage(stanza: Element): void {
    const incoming = parseChatStanza(stanza, roomJid, endpointId, roomModel);
    if (!incoming) return;
    set(addChat(state, incoming, state.chatOpen));
  }

  // ---- Jingle ----

  async function onJingle(j: Jingle): Promise<void> {
    if (terminal() || leaving) return;
    switch (j.action) {
      case 'session-initiate':
        return acceptSession(j);
      case 'source-add':
      case 'source-remove':
        if (!session || session.sid !== j.sid) return;
        await session.applySourceChange(j);
        return refresh();
      case 'session-terminate':
        if (session && session.sid !== j.sid) return;
        if (j.reason?.condition === 'connectivity-error') {
          // The focus moves the conference to another bridge: a new session-initiate follows.
          closeSession();
          return refresh();
        }
        return fail({ kind: 'meeting-ended', detail: `session-terminate: ${j.reason?.condition ?? 'no reason'}${j.reason?.text ? ` (${j.reason.text})` : ''}` });
      default:
        return;
    }
  }

  async function acceptSession(offer: Jingle): Promise<void> {
    closeSession(); // a bridge move or a reconnection replaces the peer connection
    const s: JingleSession = new JingleSession(offer, endpointId!, env.RTCPeerConnection, {
      remoteChanged: () => { if (session === s) refresh(); },
      connectionState: (cs) => {
        if (session !== s) return;
        env.log('pc.state', { state: cs });
        if (cs === 'connected') clearTimeout(mediaTimer);
        if (cs === 'failed') fail({ kind: 'media-failed', detail: `connectionState failed (ICE ${s.pc.iceConnectionState})` });
      },
      dataChannel: (dc) => {
        if (session !== s && session !== undefined) return;
        channel = new BridgeChannel(dc, onBridgeMessage);
        lastConstraints = '';
        sendConstraints();
      },
    });
    session = s;
    let answer: Jingle;
    try {
      answer = await s.accept({ audio: audioTrack(), video: videoTrack() }, myJid);
    } catch (err) {
      closeSession();
      fail({ kind: 'media-failed', detail: `could not answer the offer: ${errorDetail(err)}` });
      throw err;
    }
    const x = xmpp!;
    setTimeout(() => {
      x.request(xml('iq', { type: 'set', to: config.focusJid }, jingleToXml(answer)), 10_000).then(() => {
        if (session === s && screen) queue.post('re-add screen', () => shareScreenOnSession(s));
      }).catch((err: unknown) => env.log('jingle.accept_failed', { error: errorDetail(err) }));
    }, 0);
    clearTimeout(mediaTimer);
    mediaTimer = setTimeout(() => {
      if (session === s && s.pc.connectionState !== 'connected') {
        fail({ kind: 'media-failed', detail: `not connected ${env.timeouts.mediaMs / 1000} s after session-accept (connectionState ${s.pc.connectionState}, ICE ${s.pc.iceConnectionState})` });
      }
    }, env.timeouts.mediaMs);
    refresh();
  }

  function onBridgeMessage(m: BridgeChannelMessage): void {
    if (m.colibriClass === 'DominantSpeakerEndpointChangeEvent') {
      if (m.dominantSpeakerEndpoint !== state.dominantSpeaker) {
        set({ dominantSpeaker: m.dominantSpeakerEndpoint });
        sendConstraints();
      }
    }
  }

  function sendJingle(j: Jingle): Promise<unknown> {
    if (!xmpp) return Promise.resolve();
    return xmpp.request(xml('iq', { type: 'set', to: config.focusJid }, jingleToXml(j)), 10_000);
  }

  function sourceJingle(action: 'source-add' | 'source-remove', sid: string, l: LocalSources): Jingle {
    return {
      action, sid, contents: [{
        name: 'video', creator: 'initiator', senders: 'both',
        description: { media: 'video', payloadTypes: [], headerExtensions: [], sources: l.sources, sourceGroups: l.groups, rtcpMux: false },
      }],
    };
  }

  async function shareScreenOnSession(s: JingleSession): Promise<void> {
    const track = screen?.getVideoTracks()[0];
    if (!track || s.isClosed) return;
    const added = await s.addScreen(track);
    if (added.sources.length > 0) await sendJingle(sourceJingle('source-add', s.sid, added));
  }

  // ---- XMPP ----

  function handleIqs(x: XmppConnection): void {
    const fromFocus = (iq: Element) => {
      try { return focusJids.has(bareJid(String(iq.attrs.from ?? ''))); } catch { return false; }
    };
    x.onIqSet(JINGLE_NS, 'jingle', async (iq, payload) => {
      if (!fromFocus(iq)) return false;
      let j: Jingle;
      try { j = parseJingle(payload); } catch (err) { return { error: 'bad-request', text: errorDetail(err) }; }
      try {
        await queue.run(`jingle ${j.action}`, () => onJingle(j));
      } catch (err) {
        if (j.action === 'session-initiate') return { error: 'internal-server-error', text: errorDetail(err) };
      }
      return true;
    });
    x.onIqSet(AUDIO_NS, 'mute', async (iq, payload) => {
      if (!fromFocus(iq)) return false;
      if (payload.getText().trim() === 'true') await queue.run('remote mute', () => setAudioMuted(true));
      return true;
    });
  }

  async function connect(): Promise<XmppConnection> {
    const x = env.createXmpp({ service: wsUrl, domain: config.domain }, {
      stanza: (el) => {
        let from: string;
        try { from = bareJid(String(el.attrs.from ?? '')); } catch { return; }
        if (from !== roomJid) return;
        if (el.name === 'presence') queue.post('presence', () => onPresence(el));
        else if (el.name === 'message') queue.post('message', () => onMessage(el));
      },
      online: (jid) => { if (xmpp === x) queue.post('reconnected', () => onReconnected(jid)); },
      resumed: () => { if (xmpp === x) recovered(); },
      disconnected: (reason) => { if (xmpp === x) onDisconnected(reason); },
    });
    handleIqs(x);
    try {
      myJid = await withTimeout(x.start(), env.timeouts.connectMs, `XMPP connection to ${wsUrl}`);
    } catch (err) {
      void x.stop();
      // @xmpp/client's browser build has no BOSH transport, so there is no fallback to config.boshUrl.
      throw Object.assign(new Error(errorDetail(err)), { signaling: true });
    }
    return x;
  }

  async function requestConference(x: XmppConnection): Promise<void> {
    const deadline = Date.now() + env.timeouts.focusMs;
    for (;;) {
      const left = deadline - Date.now();
      let res: Element;
      try {
        res = await x.request(xml('iq', { type: 'set', to: config.focusJid }, conferenceRequestToXml({ room: roomJid, properties: {} })), Math.max(1, left));
      } catch (err) {
        const timeout = /timeout/i.test(errorDetail(err)) || Date.now() >= deadline;
        throw Object.assign(new Error(timeout
          ? `no answer from the focus ${config.focusJid} within ${env.timeouts.focusMs / 1000} s`
          : `the focus ${config.focusJid} refused the conference request: ${errorDetail(err)}`), { signaling: true });
      }
      try {
        const ready = parseConferenceReady(res);
        focusJids.add(bareJid(ready.focusJid));
        if (ready.ready) return;
      } catch {
        return; // an empty result: take it as ready
      }
      if (Date.now() + 1000 >= deadline) throw Object.assign(new Error(`the focus ${config.focusJid} did not get the conference ready within ${env.timeouts.focusMs / 1000} s`), { signaling: true });
      await sleep(1000);
    }
  }

  function onDisconnected(reason: string): void {
    if (leaving || terminal()) return;
    env.log('xmpp.disconnected', { reason });
    inRoom = false;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => {
      fail({ kind: 'signaling-failed', detail: `the connection was lost (${reason}) and not restored within ${env.timeouts.reconnectMs / 1000} s`, url: wsUrl });
    }, env.timeouts.reconnectMs);
    set({ reconnecting: true });
  }

  function recovered(): void {
    clearTimeout(reconnectTimer);
    if (state.reconnecting) set({ reconnecting: false });
  }

  async function onReconnected(jid: string): Promise<void> {
    if (leaving || terminal() || !xmpp) return;
    myJid = jid;
    env.log('xmpp.reconnected', { jid });
    recovered();
    try {
      await requestConference(xmpp);
    } catch (err) {
      return fail({ kind: 'signaling-failed', detail: errorDetail(err), url: wsUrl });
    }
    // The focus sees a new occupant and sends a new session-initiate (it replaces the peer connection).
    rejoinDeadline = Date.now() + env.timeouts.reconnectMs;
    joinRoom(0);
  }

  // ---- local media ----

  function secureOk(): boolean {
    if (env.isSecureContext === false || !env.mediaDevices) {
      fail({ kind: 'insecure-context', detail: `${env.location.protocol}//${env.location.host} is not a secure context` });
      return false;
    }
    return true;
  }

  /** Camera + microphone; when one kind is missing, takes the other alone (that kind stays muted). */
  async function acquire(): Promise<MediaStream> {
    const ids = { ...(state.devices.audioInputId ? { audioDeviceId: state.devices.audioInputId } : {}), ...(state.devices.videoInputId ? { videoDeviceId: state.devices.videoInputId } : {}) };
    try {
      return await getCameraAndMic(mediaEnv(), ids);
    } catch (err) {
      if (deviceErrorKind(err) !== 'no-devices') throw err;
      for (const c of [{ audio: true }, { video: { width: { ideal: 1280 }, height: { ideal: 720 } } }] as MediaStreamConstraints[]) {
        try { return await env.mediaDevices!.getUserMedia(c); } catch { /* try the other kind */ }
      }
      throw err;
    }
  }

  async function useLocalStream(stream: MediaStream | null): Promise<void> {
    meter?.stop();
    meter = undefined;
    const a = stream?.getAudioTracks()[0];
    const v = stream?.getVideoTracks()[0];
    if (a) a.enabled = !state.audioMuted;
    if (v) v.enabled = !state.videoMuted;
    if (a) meter = new MicMeter(a, env.AudioContext, (level) => {
      if (Math.abs(level - state.micLevel) >= 0.01 || (level === 0 && state.micLevel !== 0)) set({ micLevel: level });
    });
    const devices = { ...state.devices, ...(await listDevices(mediaEnv())) };
    if (a) devices.audioInputId = a.getSettings().deviceId ?? devices.audioInputId;
    if (v) devices.videoInputId = v.getSettings().deviceId ?? devices.videoInputId;
    const patch: Partial<ConferenceState> = { localStream: stream, devices };
    if (!a) patch.audioMuted = true;
    if (!v) patch.videoMuted = true;
    refresh(patch);
  }

  function setAudioMuted(muted: boolean): void {
    const t = audioTrack();
    if (!t && !muted) return;
    if (t) t.enabled = !muted;
    if (state.audioMuted === muted) return;
    refresh({ audioMuted: muted });
    sendPresence();
  }

  // ---- actions ----

  const actions: ConferenceStore['actions'] = {
    async startPreview() {
      if (!secureOk()) return;
      try {
        const stream = await acquire();
        state.localStream?.getTracks().forEach((t) => t.stop());
        await useLocalStream(stream);
        if (state.phase === 'error') set({ phase: 'prejoin', error: undefined });
      } catch (err) {
        fail({ kind: deviceErrorKind(err), detail: errorDetail(err) });
      }
    },

    async join(opts: JoinOptions) {
      if (state.phase === 'joining' || state.phase === 'in-meeting') return;
      if (terminal()) return;
      if (!secureOk()) return;
      const displayName = opts.displayName.trim();
      try { env.storage?.setItem(NAME_KEY, displayName); } catch { /* private mode */ }
      set({ phase: 'joining', error: undefined, displayName, audioMuted: opts.startAudioMuted, videoMuted: opts.startVideoMuted });
      try {
        if (opts.withoutDevices) {
          stopLocalMedia();
          await useLocalStream(null);
        } else if (!state.localStream) {
          await useLocalStream(await acquire());
        } else {
          await useLocalStream(state.localStream);
        }
      } catch (err) {
        return fail({ kind: deviceErrorKind(err), detail: errorDetail(err) });
      }
      endpointId = newEndpointId();
      roomModel = emptyRoom();
      try {
        const x = await connect();
        xmpp = x;
        await requestConference(x);
        if (xmpp !== x || (state.phase as string) !== 'joining') return;
        joinRoom(20);
        refresh();
      } catch (err) {
        return fail({ kind: 'signaling-failed', detail: errorDetail(err), url: wsUrl });
      }
    },

    async leave() {
      if (state.phase === 'left') return;
      leaving = true;
      const x = xmpp;
      const s = session;
      const pending: Promise<unknown>[] = [];
      if (x && s) pending.push(sendJingle({ action: 'session-terminate', sid: s.sid, contents: [], reason: { condition: 'success' } }).catch(() => {}));
      if (x && endpointId && inRoom) x.send(xml('presence', { to: occupantJid(roomJid, endpointId), type: 'unavailable' }));
      await Promise.race([Promise.all(pending), sleep(1000)]);
      teardown(true);
      set({ phase: 'left', reconnecting: false, localStream: null, screenSharing: false, tiles: [], audioStreams: {}, micLevel: 0 });
    },

    toggleAudio() {
      queue.post('toggle audio', () => {
        const t = audioTrack();
        const muted = !state.audioMuted;
        if (!t && !muted && inMeeting()) return; // no microphone: nothing to unmute
        if (t) t.enabled = !muted;
        refresh({ audioMuted: muted });
        sendPresence();
      });
    },

    toggleVideo() {
      queue.post('toggle video', () => {
        const t = videoTrack();
        const muted = !state.videoMuted;
        if (!t && !muted && inMeeting()) return; // no camera: nothing to unmute
        if (t) t.enabled = !muted;
        refresh({ videoMuted: muted });
        sendPresence();
      });
    },

    async toggleScreenShare() {
      if (state.phase !== 'in-meeting') return;
      if (screen) {
        await queue.run('stop screen', stopScreen);
        return;
      }
      let stream: MediaStream;
      try {
        stream = await getScreen(mediaEnv());
      } catch (err) {
        env.log('screen.refused', { error: errorDetail(err) });
        return; // the user cancelled the picker: not an error
      }
      const track = stream.getVideoTracks()[0];
      if (!track) return;
      track.addEventListener('ended', () => { if (screen === stream) queue.post('screen ended', stopScreen); });
      await queue.run('start screen', async () => {
        if (terminal()) return void stream.getTracks().forEach((t) => t.stop());
        screen = stream;
        refresh({ screenSharing: true });
        sendPresence();
        if (session) {
          try {
            await shareScreenOnSession(session);
          } catch (err) {
            env.log('screen.failed', { error: errorDetail(err) });
            await stopScreen();
          }
        }
      });
    },

    async selectDevice(kind, deviceId) {
      if (!env.mediaDevices) return;
      let track: MediaStreamTrack;
      try {
        track = await getDeviceTrack(mediaEnv(), kind, deviceId);
      } catch (err) {
        env.log('device.failed', { kind, deviceId, error: errorDetail(err) });
        return;
      }
      await queue.run('select device', async () => {
        const old = kind === 'audioinput' ? audioTrack() : videoTrack();
        const stream = state.localStream ? new env.MediaStream(state.localStream.getTracks().filter((t) => t !== old)) : new env.MediaStream();
        stream.addTrack(track);
        old?.stop();
        const devices = { ...state.devices, ...(kind === 'audioinput' ? { audioInputId: deviceId } : { videoInputId: deviceId }) };
        state = { ...state, devices };
        if (session) await session.replaceTrack(kind === 'audioinput' ? 'audio' : 'video', track).catch((err: unknown) => env.log('device.replace_failed', { error: errorDetail(err) }));
        await useLocalStream(stream);
      });
    },

    sendChat(text, privateTo) {
      const body = text.trim();
      if (!body || !xmpp) return;
      const id = newChatId();
      xmpp.send(chatStanza(roomJid, body, id, privateTo));
      if (privateTo) {
        // MUC private messages are not reflected: record our own copy. Groupchat comes back from the room.
        set({ chat: [...state.chat, { id, from: endpointId ?? '', displayName: state.displayName, text: body, at: Date.now(), mine: true, privateWith: privateTo }] });
      }
    },

    setChatOpen(open) {
      set(open ? { chatOpen: true, unreadChat: 0 } : { chatOpen: false });
    },

    setParticipantsOpen(open) {
      set({ participantsOpen: open });
    },

    toggleRaiseHand() {
      raisedHand = raisedHand === undefined ? Date.now() : undefined;
      refresh();
      sendPresence();
    },

    setView(view) {
      set({ view });
      sendConstraints();
    },

    pin(tileKey) {
      set({ pinned: tileKey, ...(tileKey ? { view: 'stage' as const } : {}) });
      sendConstraints();
    },

    muteParticipant(id) {
      if (!xmpp) return;
      xmpp.request(xml('iq', { type: 'set', to: config.focusJid }, xml('mute', { xmlns: AUDIO_NS, jid: occupantJid(roomJid, id) }, 'true')), 10_000)
        .catch((err: unknown) => env.log('mute.failed', { id, error: errorDetail(err) }));
    },

    kickParticipant(id) {
      if (!xmpp) return;
      xmpp.request(setRoleIq(roomJid, id, 'none'), 10_000).catch((err: unknown) => env.log('kick.failed', { id, error: errorDetail(err) }));
    },

    async copyInviteLink() {
      await env.clipboard?.writeText(`${env.location.origin}/${room}`);
    },
  };

  async function stopScreen(): Promise<void> {
    const stream = screen;
    if (!stream) return;
    screen = null;
    stream.getTracks().forEach((t) => t.stop());
    refresh({ screenSharing: false });
    sendPresence();
    const s = session;
    if (!s) return;
    try {
      const removed = await s.removeScreen();
      if (removed && removed.sources.length > 0 && !s.isClosed) await sendJingle(sourceJingle('source-remove', s.sid, removed));
    } catch (err) {
      env.log('screen.stop_failed', { error: errorDetail(err) });
    }
  }

  const store: ConferenceStore = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    actions,
  };

  if (typeof window !== 'undefined') {
    (window as unknown as { parleyDebug: unknown }).parleyDebug = {
      store,
      getStats: () => session?.stats(),
      get endpointId() { return endpointId; },
      get droppedBridgeMessages() { return channel?.dropped ?? 0; },
      get droppedStanzas() { return droppedStanzas; },
    };
  }
  return store;
}
