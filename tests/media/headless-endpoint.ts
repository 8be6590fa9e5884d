// A headless participant with real media: the scripted XMPP client (signaling) plus a werift
// RTCPeerConnection (ICE, DTLS-SRTP, SCTP) that is given the SDP a browser would be given:
// @parley/protocol's RemoteDescription built from the focus's Jingle. It sends numbered RTP
// whose payload says who sent it, and records what it receives.
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  useAbsSendTime,
  useAudioLevelIndication,
  useFIR,
  useNACK,
  usePLI,
  useSdesMid,
  useTransportWideCC,
  type RTCRtpTransceiver,
} from 'werift';
import { startLoopbackStun } from '@parley/bridge/testing';
import { answerToJingle, RemoteDescription, type Jingle } from '@parley/protocol';
// The bridge's own transport-cc encoder plays the receiver's, as libwebrtc's would (tests only).
import { TwccRecorder } from '../../packages/bridge/src/rtp/twcc-feedback.js';
import type { Stack, TestParticipant } from '../integration/harness.js';

export const MAGIC = 0x50524c59; // "PRLY"

/** Payload: magic, sender ssrc, packet index, then a pattern derived from both; checkable anywhere. */
export function makePayload(ssrc: number, index: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt32BE(MAGIC, 0);
  b.writeUInt32BE(ssrc >>> 0, 4);
  b.writeUInt32BE(index >>> 0, 8);
  for (let i = 12; i < size; i++) b[i] = (ssrc + index * 7 + i) & 0xff;
  return b;
}

export function checkPayload(b: Buffer): { ssrc: number; index: number } | undefined {
  if (b.length < 12 || b.readUInt32BE(0) !== MAGIC) return undefined;
  const ssrc = b.readUInt32BE(4);
  const index = b.readUInt32BE(8);
  for (let i = 12; i < b.length; i++) if (b[i] !== ((ssrc + index * 7 + i) & 0xff)) return undefined;
  return { ssrc, index };
}

export interface ReceivedStream {
  packets: number;
  intact: number;
  corrupt: number;
  seqs: Set<number>;
  indexes: Set<number>;
}

const codecs = {
  audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })],
  video: [
    new RTCRtpCodecParameters({
      mimeType: 'video/VP8',
      clockRate: 90000,
      payloadType: 100,
      rtcpFeedback: [useNACK(), usePLI(), useFIR()],
    }),
    new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000, payloadType: 96, parameters: 'apt=100' }),
  ],
};

/**
 * A werift peer connection with a browser's codecs and extensions, gathering on one local address only
 * (127.0.0.1 by default; the Janus bench's endpoints use an address in a network namespace of its own).
 */
export function newPeerConnection(stunPort: number, host = '127.0.0.1'): RTCPeerConnection {
  return new RTCPeerConnection({
    bundlePolicy: 'max-bundle',
    codecs,
    headerExtensions: {
      audio: [useSdesMid(), useAudioLevelIndication()],
      video: [useSdesMid(), useAbsSendTime(), useTransportWideCC()],
    },
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [host],
    iceInterfaceAddresses: { udp4: host },
    // A STUN server of the test's own on loopback: werift otherwise asks Google's.
    iceServers: [{ urls: `stun:127.0.0.1:${stunPort}` }],
    iceFilterCandidatePair: (pair) => pair.remoteCandidate.host === host,
    iceFilterStunResponse: (_m, addr) => addr[0] === '127.0.0.1' || addr[0] === host,
  });
}

export class HeadlessEndpoint {
  readonly received = new Map<number, ReceivedStream>();
  /** RTCP the video sender received from the bridge, by werift class name (e.g. PictureLossIndication, GenericNack). */
  readonly senderRtcp: string[] = [];
  readonly audio = new MediaStreamTrack({ kind: 'audio' });
  readonly video = new MediaStreamTrack({ kind: 'video' });
  remote?: RemoteDescription;
  /** Bridge-channel messages received, parsed. */
  readonly messages: { colibriClass: string; [k: string]: unknown }[] = [];
  private channel?: ReturnType<RTCPeerConnection['createDataChannel']>;
  private queue: Promise<void> = Promise.resolve();
  private transceivers: { audio?: RTCRtpTransceiver; video?: RTCRtpTransceiver } = {};

  /** Sessions the focus offered this endpoint (a re-invite after a bridge move or a focus restart adds one). */
  sessions = 0;
  private sid?: string;

  private feedbackTimer?: NodeJS.Timeout;

  private constructor(
    readonly participant: TestParticipant,
    private peer: RTCPeerConnection,
    private readonly stunPort: number,
  ) {}

  /** The current session's peer connection (a re-invite replaces it, as a browser's client does). */
  get pc(): RTCPeerConnection {
    return this.peer;
  }

  static async join(
    stack: Pick<Stack, 'participant'>,
    room: string,
    name: string,
    stunPort: number,
  ): Promise<HeadlessEndpoint> {
    const participant = await stack.participant(name);
    const ep = new HeadlessEndpoint(participant, newPeerConnection(stunPort), stunPort);
    ep.watchTracks();
    participant.onJingle = (j) => {
      if (j.action === 'source-add' || j.action === 'source-remove')
        ep.queue = ep.queue.then(() => ep.renegotiate(j)).catch(() => {});
      // A session-initiate after the first replaces the session: a new peer connection, like Parley's client.
      if (j.action === 'session-initiate' && ep.sid && ep.sid !== j.sid)
        ep.queue = ep.queue.then(() => ep.replaceSession(j)).catch(() => {});
    };
    await participant.join(room);
    const offer = await participant.sessionInitiate();
    await (ep.queue = ep.queue.then(() => ep.acceptOffer(offer)));
    return ep;
  }

  private watchTracks(): void {
    this.peer.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => this.record(rtp));
    });
  }

  private async replaceSession(offer: Jingle): Promise<void> {
    await this.peer.close().catch(() => {});
    this.peer = newPeerConnection(this.stunPort);
    this.watchTracks();
    this.transceivers = {};
    await this.acceptOffer(offer);
  }

  private async acceptOffer(offer: Jingle): Promise<void> {
    this.sid = offer.sid;
    this.sessions++;
    this.remote = RemoteDescription.fromJingle(offer);
    await this.pc.setRemoteDescription({ type: 'offer', sdp: this.remote.toSdp() });
    for (const kind of ['audio', 'video'] as const) {
      const t = this.pc.getTransceivers().find((x) => x.mid === kind)!;
      t.setDirection('sendonly');
      await t.sender.replaceTrack(kind === 'audio' ? this.audio : this.video);
      this.transceivers[kind] = t;
    }
    this.channel = this.pc.createDataChannel('bridge');
    this.channel.onMessage.subscribe((data) => {
      try {
        this.messages.push(JSON.parse(data.toString()));
      } catch {
        this.messages.push({ colibriClass: '(not JSON)' });
      }
    });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    const answer = answerToJingle(this.pc.localDescription!.sdp, {
      sid: offer.sid,
      endpointId: this.participant.endpointId,
      responder: this.participant.jid,
    });
    this.transceivers.video!.sender.onRtcp.subscribe((p) => {
      const feedback = (p as { feedback?: object }).feedback;
      this.senderRtcp.push(feedback ? feedback.constructor.name : p.constructor.name);
    });
    await this.participant.sendJingle(answer);
  }

  private async renegotiate(j: Jingle): Promise<void> {
    if (!this.remote) return;
    if (j.action === 'source-add') this.remote.applySourceAdd(j);
    else this.remote.applySourceRemove(j);
    await this.pc.setRemoteDescription({ type: 'offer', sdp: this.remote.toSdp() });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
  }

  /** Sees every RTP packet received, before the payload check (tests of payloads that are not makePayload's). */
  onRtp?: (rtp: RtpPacket) => void;

  private record(rtp: RtpPacket): void {
    this.onRtp?.(rtp);
    const ssrc = rtp.header.ssrc;
    let s = this.received.get(ssrc);
    if (!s) this.received.set(ssrc, (s = { packets: 0, intact: 0, corrupt: 0, seqs: new Set(), indexes: new Set() }));
    s.packets++;
    s.seqs.add(rtp.header.sequenceNumber);
    const ok = checkPayload(rtp.payload);
    if (ok && ok.ssrc === ssrc) {
      s.intact++;
      s.indexes.add(ok.index);
    } else s.corrupt++;
  }

  /** Sends a bridge-channel message (once the channel is open). */
  sendMessage(m: { colibriClass: string; [k: string]: unknown }): void {
    this.channel!.send(JSON.stringify(m));
  }

  get channelOpen(): boolean {
    return this.channel?.readyState === 'open';
  }

  get endpointId(): string {
    return this.participant.endpointId;
  }

  ssrc(kind: 'audio' | 'video'): number {
    return this.transceivers[kind]!.sender.ssrc;
  }

  /** Sends `count` packets, numbered from `firstIndex`, with sequence numbers from `firstSeq`. */
  async send(
    kind: 'audio' | 'video',
    count: number,
    opts: { firstIndex?: number; firstSeq?: number; intervalMs?: number; size?: number; audioLevel?: number } = {},
  ): Promise<void> {
    const track = kind === 'audio' ? this.audio : this.video;
    const ssrc = this.ssrc(kind);
    const first = opts.firstIndex ?? 0;
    for (let i = 0; i < count; i++) {
      const index = first + i;
      const header = new RtpHeader({
        sequenceNumber: ((opts.firstSeq ?? 1000) + index) & 0xffff,
        timestamp: (index * 3000) >>> 0,
        payloadType: kind === 'audio' ? 111 : 100,
        ssrc,
        marker: true,
      });
      // RFC 6464 audio level, extension id 1 as Parley's offer maps it: V bit + level in -dBov.
      if (opts.audioLevel !== undefined)
        header.extensions = [{ id: 1, payload: Buffer.from([0x80 | opts.audioLevel]) }];
      track.writeRtp(new RtpPacket(header, makePayload(ssrc, index, opts.size ?? 200)));
      if (opts.intervalMs && i % 10 === 9) await new Promise((r) => setTimeout(r, opts.intervalMs));
    }
  }

  /**
   * Resolves once every Jingle change received so far is applied to the peer connection.
   * `remote` knows a source as soon as it arrives; the peer connection takes its packets only after
   * the renegotiation, so a test sends after this, never after a guessed sleep.
   */
  async negotiated(): Promise<void> {
    for (let seen: Promise<void> | undefined; seen !== this.queue; ) await (seen = this.queue);
  }

  stream(ssrc: number): ReceivedStream | undefined {
    return this.received.get(ssrc);
  }

  /** Waits until the peer connection is connected (ICE + DTLS). */
  async connected(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pc.connectionState !== 'connected') {
      if (Date.now() > deadline)
        throw new Error(
          `${this.endpointId}: peer connection is ${this.pc.connectionState} (ICE ${this.pc.iceConnectionState}) after ${timeoutMs} ms`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Reports the arrival of every RTP packet the bridge sends with a transport-wide sequence number
   * (extension 5, Parley's offer) as transport-cc feedback every `intervalMs`, as a browser does:
   * werift's own receiver feedback covers one transceiver's packets only, a browser's the whole
   * transport. Returns the number of feedback packets sent so far.
   */
  sendTransportFeedback(intervalMs = 50): () => number {
    const dtls = this.pc.dtlsTransports[0];
    const recorder = new TwccRecorder();
    let sent = 0;
    dtls.onRtp.subscribe((rtp) => {
      const ext = rtp.header.extensions.find((e) => e.id === 5);
      if (ext && ext.payload.length >= 2) recorder.record(ext.payload.readUInt16BE(0));
    });
    const rtcpSsrc = this.ssrc('video');
    clearInterval(this.feedbackTimer);
    this.feedbackTimer = setInterval(() => {
      const packets = recorder.buildFeedback(rtcpSsrc, 0);
      sent += packets.length;
      // werift's sendRtcp only serializes what it is given: our bytes go out as they are.
      if (packets.length) void dtls.sendRtcp(packets.map((b) => ({ serialize: () => b })) as never).catch(() => {});
    }, intervalMs);
    this.feedbackTimer.unref();
    return () => sent;
  }

  async close(): Promise<void> {
    clearInterval(this.feedbackTimer);
    await this.pc.close().catch(() => {});
    await this.participant.disconnect();
  }
}

/**
 * The loopback STUN server headless endpoints need and every endpoint joined through it, so that a test
 * ends them all with one close() (endpoints first, then the STUN server).
 */
type LoopbackStun = Awaited<ReturnType<typeof startLoopbackStun>>;

export class HeadlessCrowd {
  private readonly live = new Set<HeadlessEndpoint>();
  private constructor(private readonly stun: LoopbackStun) {}

  static async start(): Promise<HeadlessCrowd> {
    return new HeadlessCrowd(await startLoopbackStun());
  }

  /** The endpoints joined and not yet left, in join order. */
  get endpoints(): HeadlessEndpoint[] {
    return [...this.live];
  }

  /** Joins `room` as `name`; with `connectMs`, also waits that long for its media to connect. */
  async join(stack: Pick<Stack, 'participant'>, room: string, name: string, connectMs?: number) {
    const e = await HeadlessEndpoint.join(stack, room, name, this.stun.port);
    this.live.add(e);
    if (connectMs !== undefined) await e.connected(connectMs);
    return e;
  }

  /** Leaves the room, as a client does (closes the peer connection, ends its XMPP session). */
  async leave(e: HeadlessEndpoint): Promise<void> {
    this.live.delete(e);
    await e.close();
  }

  async close(): Promise<void> {
    for (const e of this.live) await e.close();
    this.live.clear();
    await this.stun.close();
  }
}
