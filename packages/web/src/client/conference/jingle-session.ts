// One Jingle session with the focus and its RTCPeerConnection (the only file touching it): the
// focus's offer (RemoteDescription from Jingle) answered with our camera/microphone, source-add /
// source-remove renegotiation, and our screen share as an extra local send m-line.
// Every local answer goes through localAnswer(): the camera's m-line gets its simulcast layers
// (SIM + FID groups, @parley/protocol's addSimulcastLayers) before setLocalDescription.
import {
  addSimulcastLayers,
  answerToJingle,
  RemoteDescription,
  type IceTransport,
  type Jingle,
  type JingleContent,
  type SimulcastSsrcs,
  type Source,
  type SourceGroup,
} from '@parley/protocol';
import type { ParleyConfig } from './types.js';
import type { TurnIceServer } from './turn-services.js';

/**
 * The peer connection's ICE servers: none, or, when the deployment runs TURN (config.turn), the
 * deployment's own coturn with short-lived credentials that Prosody gives our XMPP session
 * (XEP-0215, `turnServers`). Never any other STUN/TURN server. Read from window.PARLEY_CONFIG
 * (the store's config comes from there).
 */
async function iceConfiguration(
  config: Partial<ParleyConfig> | undefined,
  turnServers: (() => Promise<TurnIceServer[]>) | undefined,
): Promise<Pick<RTCConfiguration, 'iceServers' | 'iceTransportPolicy'> | null> {
  if (!config?.turn && !config?.iceTransportPolicy) return null;
  const policy: RTCIceTransportPolicy = config.iceTransportPolicy === 'relay' ? 'relay' : 'all';
  if (!config.turn) return { iceServers: [], iceTransportPolicy: policy };
  try {
    if (!turnServers) throw new Error('no XMPP session to ask');
    const iceServers = await turnServers();
    if (iceServers.length === 0) throw new Error('the server listed no TURN service');
    return { iceServers, iceTransportPolicy: policy };
  } catch (err) {
    // Without TURN, direct UDP/ICE-TCP to the bridge may still work (not with policy 'relay').
    console.warn(`parley: no TURN servers from XMPP (${(err as Error).message}); connecting without TURN`);
    return { iceServers: [], iceTransportPolicy: policy };
  }
}

export interface SessionCallbacks {
  /** The set of remote sources or their tracks changed. */
  remoteChanged(): void;
  connectionState(state: RTCPeerConnectionState): void;
  dataChannel(dc: RTCDataChannel): void;
}

/** The camera's m-line: the offer's first video content, on which we send our camera. */
const CAMERA_MID = 'video';
/** Jitsi's screen share frame rate: sharp text matters, motion does not. */
const SCREEN_MAX_FRAMERATE = 5;

function randomSsrc(): number {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0]!;
}

export interface LocalSources {
  sources: Source[];
  groups: SourceGroup[];
}

export class JingleSession {
  readonly sid: string;
  readonly pc: RTCPeerConnection;
  readonly remote: RemoteDescription;
  private announced = new Set<number>();
  private screenMid: string | undefined;
  private screenSources: LocalSources | undefined;
  private closed = false;
  /**
   * Remote source lines (mid -> source name) of the last offer we answered. A remote source is shown
   * and asked of the bridge only from then on: packets of an SSRC that arrive before the answer is set
   * are not tied to its m-line, and Firefox then binds them to another receiver whose payload types
   * match (RFC 8843 §9.2's payload-type fallback), so the new source's own receiver never gets any.
   */
  private answered = new Map<string, string>();
  /** The camera's layer SSRCs, kept so that every renegotiated answer announces the same ones. */
  private readonly simulcast = new Map<string, SimulcastSsrcs>();

  constructor(
    offer: Jingle,
    private readonly endpointId: string,
    Pc: typeof RTCPeerConnection,
    private readonly cb: SessionCallbacks,
    /** Camera layers to send (1: no simulcast, e.g. Firefox; see video-quality.ts). */
    private readonly simulcastLayers = 1,
  ) {
    this.sid = offer.sid;
    this.remote = RemoteDescription.fromJingle(offer);
    // The bridge is ICE-lite and on this network: no STUN/TURN servers, except the deployment's own
    // TURN when it runs one (set in accept(), before ICE gathering starts).
    this.pc = new Pc({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', iceServers: [] });
    this.pc.addEventListener('track', () => {
      if (!this.closed) cb.remoteChanged();
    });
    this.pc.addEventListener('connectionstatechange', () => {
      if (!this.closed) cb.connectionState(this.pc.connectionState);
    });
    this.pc.addEventListener('datachannel', (ev: RTCDataChannelEvent) => {
      if (!this.closed) cb.dataChannel(ev.channel);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Answers the offer with our tracks on the 'audio' / 'video' transceivers; returns the session-accept.
   * `turnServers` asks Prosody for TURN over our XMPP session (used when config.turn).
   */
  async accept(
    tracks: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null },
    responder: string,
    turnServers?: () => Promise<TurnIceServer[]>,
  ): Promise<Jingle> {
    // TURN credentials are fetched here: the constructor is synchronous, and nothing gathers ICE
    // candidates before setLocalDescription, so setConfiguration now is as good as at creation.
    const ice = await iceConfiguration(
      (globalThis as { PARLEY_CONFIG?: Partial<ParleyConfig> }).PARLEY_CONFIG,
      turnServers,
    );
    if (ice && !this.closed) this.pc.setConfiguration({ ...this.pc.getConfiguration(), ...ice });
    const offered = this.remoteSourceLines();
    await this.pc.setRemoteDescription({ type: 'offer', sdp: this.remote.toSdp() });
    for (const kind of ['audio', 'video'] as const) {
      const t = this.transceiver(kind);
      if (!t) continue;
      t.direction = 'sendonly';
      await t.sender.replaceTrack(tracks[kind]);
    }
    this.cb.dataChannel(this.pc.createDataChannel('bridge'));
    await this.localAnswer();
    this.answered = offered;
    const answer = answerToJingle(this.pc.localDescription!.sdp, {
      sid: this.sid,
      endpointId: this.endpointId,
      responder,
    });
    for (const c of answer.contents) for (const s of c.description?.sources ?? []) this.announced.add(s.ssrc);
    this.cb.remoteChanged();
    return answer;
  }

  /** source-add / source-remove from the focus: new offer, new answer (no Jingle reply beyond the IQ result). */
  async applySourceChange(j: Jingle): Promise<void> {
    if (j.action === 'source-add') this.remote.applySourceAdd(j);
    else this.remote.applySourceRemove(j);
    await this.renegotiate();
    this.cb.remoteChanged();
  }

  /**
   * ICE restart (transport-replace): the bridge's new credentials as a new offer. Our answer then has
   * new ICE credentials too, and the same DTLS fingerprint; returns its transports for transport-accept.
   */
  async replaceTransport(t: IceTransport): Promise<JingleContent[]> {
    if (this.closed) throw new Error('the session is closed');
    this.remote.setTransport(t);
    await this.renegotiate();
    const answer = answerToJingle(this.pc.localDescription!.sdp, { sid: this.sid, endpointId: this.endpointId });
    return answer.contents
      .filter((c) => c.transport)
      .map((c) => ({ name: c.name, creator: c.creator, senders: c.senders, transport: c.transport }));
  }

  private async renegotiate(): Promise<void> {
    if (this.closed) return;
    const offered = this.remoteSourceLines();
    await this.pc.setRemoteDescription({ type: 'offer', sdp: this.remote.toSdp() });
    await this.localAnswer();
    this.answered = offered;
  }

  /** The remote description's lines that carry a remote source now: mid -> source name. */
  private remoteSourceLines(): Map<string, string> {
    const lines = new Map<string, string>();
    for (const l of this.remote.mLines())
      if (l.role === 'remote' && l.sourceName !== undefined && l.media !== 'application')
        lines.set(l.mid, l.sourceName);
    return lines;
  }

  /** createAnswer, with the camera's simulcast layers added, then setLocalDescription. */
  private async localAnswer(): Promise<void> {
    const answer = await this.pc.createAnswer();
    const sdp = addSimulcastLayers(answer.sdp ?? '', {
      mids: [CAMERA_MID],
      layers: this.simulcastLayers,
      known: this.simulcast,
      newSsrc: randomSsrc,
    });
    await this.pc.setLocalDescription({ type: 'answer', sdp });
  }

  /** The sender of our camera (its encodings are the simulcast layers). */
  cameraSender(): RTCRtpSender | undefined {
    return this.transceiver(CAMERA_MID)?.sender;
  }

  transceiver(mid: string): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers().find((t) => t.mid === mid);
  }

  /**
   * Remote sources now in the session with the receiving track of their m-line: those of the last
   * answered offer that no source-remove took out since.
   */
  remoteSources(): { name: string; media: 'audio' | 'video'; track: MediaStreamTrack | null }[] {
    const out: { name: string; media: 'audio' | 'video'; track: MediaStreamTrack | null }[] = [];
    for (const l of this.remote.mLines()) {
      if (l.role !== 'remote' || l.sourceName === undefined || l.media === 'application') continue;
      if (this.answered.get(l.mid) !== l.sourceName) continue;
      out.push({ name: l.sourceName, media: l.media, track: this.transceiver(l.mid)?.receiver.track ?? null });
    }
    return out;
  }

  /** Device change in the meeting: no renegotiation. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    await this.transceiver(kind)?.sender.replaceTrack(track);
  }

  /** Adds our screen share as a second video source; returns the new sources for source-add. */
  async addScreen(track: MediaStreamTrack): Promise<LocalSources> {
    if (this.screenSources) return this.screenSources;
    const mid = this.remote.addLocalSendLine('video');
    this.screenMid = mid;
    const offered = this.remoteSourceLines();
    await this.pc.setRemoteDescription({ type: 'offer', sdp: this.remote.toSdp() });
    const t = this.transceiver(mid);
    if (!t) throw new Error(`no transceiver for the screen share m-line '${mid}'`);
    t.direction = 'sendonly';
    if ('contentHint' in track) track.contentHint = 'detail';
    await t.sender.replaceTrack(track);
    await this.localAnswer();
    this.answered = offered;
    await this.limitScreenFrameRate(t.sender);
    const answer = answerToJingle(this.pc.localDescription!.sdp, {
      sid: this.sid,
      endpointId: this.endpointId,
      videoTypes: { video: 'camera', [mid]: 'desktop' },
    });
    const video = answer.contents.find((c) => c.description?.media === 'video')?.description;
    const sources = (video?.sources ?? []).filter((s) => !this.announced.has(s.ssrc));
    const fresh = new Set(sources.map((s) => s.ssrc));
    const groups = (video?.sourceGroups ?? []).filter((g) => g.ssrcs.every((x) => fresh.has(x)));
    for (const s of sources) this.announced.add(s.ssrc);
    this.screenSources = { sources, groups };
    return this.screenSources;
  }

  /** One high-resolution, low-frame-rate layer, as Jitsi sends a screen (no simulcast for it). */
  private async limitScreenFrameRate(sender: RTCRtpSender): Promise<void> {
    try {
      const params = sender.getParameters();
      for (const e of params.encodings ?? []) e.maxFramerate = SCREEN_MAX_FRAMERATE;
      await sender.setParameters(params);
    } catch (err) {
      console.warn(`parley: could not limit the screen share's frame rate (${(err as Error).message})`);
    }
  }

  /** Stops sending the screen share (m-line inactive); returns the sources for source-remove. */
  async removeScreen(): Promise<LocalSources | undefined> {
    const mid = this.screenMid;
    const sources = this.screenSources;
    this.screenMid = undefined;
    this.screenSources = undefined;
    if (!mid || this.closed) return sources;
    const t = this.transceiver(mid);
    await t?.sender.replaceTrack(null);
    this.remote.removeLocalSendLine(mid);
    await this.renegotiate();
    for (const s of sources?.sources ?? []) this.announced.delete(s.ssrc);
    return sources;
  }

  async stats(): Promise<RTCStatsReport> {
    return this.pc.getStats();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.pc.close();
    } catch {
      /* already closed */
    }
  }
}
