// A benchmark participant on Janus's VideoRoom: one werift peer connection publishing audio + video
// (plain SDP offer/answer over the HTTP API) and one subscribing to every other publisher's streams
// (Janus 1.x multistream: one subscriber handle, one peer connection, as Parley's one transport).
import { MediaStreamTrack, type RTCPeerConnection, type RtpPacket } from 'werift';
import { newPeerConnection } from '../media/headless-endpoint.js';
import { JanusSession, type Jsep, type PluginEvent } from './janus-api.js';

/** Creates the benchmark's room: enough publishers, opus + VP8 only, no recording, no bitrate cap. */
export async function createRoom(url: string, publishers: number): Promise<number> {
  const session = await JanusSession.create(url);
  try {
    const handle = await session.attach();
    const r = await session.request(handle, {
      request: 'create',
      publishers,
      audiocodec: 'opus',
      videocodec: 'vp8',
      bitrate: 0,
      record: false,
      notify_joining: false,
    });
    return Number(r.data.room);
  } finally {
    await session.destroy();
  }
}

async function gathered(pc: RTCPeerConnection, timeoutMs = 10_000): Promise<Jsep> {
  const deadline = Date.now() + timeoutMs;
  while (pc.iceGatheringState !== 'complete') {
    if (Date.now() > deadline) throw new Error(`ICE gathering not complete after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const d = pc.localDescription!;
  return { type: d.type as Jsep['type'], sdp: d.sdp, trickle: false };
}

export class JanusEndpoint {
  readonly audio = new MediaStreamTrack({ kind: 'audio' });
  readonly video = new MediaStreamTrack({ kind: 'video' });
  private subscriber?: RTCPeerConnection;
  private readonly rtpListeners: ((rtp: RtpPacket) => void)[] = [];
  private readonly ssrcs = { audio: 0, video: 0 };

  private constructor(
    private readonly session: JanusSession,
    private readonly room: number,
    private readonly stunPort: number,
    private readonly host: string,
    readonly publisher: RTCPeerConnection,
    readonly feedId: number,
  ) {}

  /** Joins the room as a publisher and publishes audio + video; resolves with the answer applied. */
  static async publish(url: string, room: number, name: string, net: { stunPort: number; host: string }) {
    const session = await JanusSession.create(url);
    const handle = await session.attach();
    const joined = await session.request(
      handle,
      { request: 'join', ptype: 'publisher', room, display: name },
      undefined,
      (e) => e.data.videoroom === 'joined',
    );
    const pc = newPeerConnection(net.stunPort, net.host);
    const ep = new JanusEndpoint(session, room, net.stunPort, net.host, pc, Number(joined.data.id));
    const audio = pc.addTransceiver(ep.audio, { direction: 'sendonly' });
    const video = pc.addTransceiver(ep.video, { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    const answer = await session.request(
      handle,
      { request: 'publish', audio: true, video: true },
      await gathered(pc),
      (e) => Boolean(e.jsep),
    );
    await pc.setRemoteDescription(answer.jsep!);
    ep.ssrcs.audio = audio.sender.ssrc;
    ep.ssrcs.video = video.sender.ssrc;
    return ep;
  }

  /**
   * Subscribes to these publishers' audio and video on one peer connection (Janus offers, we answer).
   * Janus knows a feed only once its publisher's WebRTC is up, a moment after werift says connected:
   * "No such feed" is retried for a bounded time.
   */
  async subscribe(feeds: number[], timeoutMs = 20_000): Promise<void> {
    const handle = await this.session.attach();
    const join = { request: 'join', ptype: 'subscriber', room: this.room, streams: feeds.map((feed) => ({ feed })) };
    const deadline = Date.now() + timeoutMs;
    let offer: PluginEvent | undefined;
    while (!offer) {
      try {
        offer = await this.session.request(handle, join, undefined, (e) => Boolean(e.jsep));
      } catch (e) {
        if (!/No such feed/.test(String(e)) || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const pc = newPeerConnection(this.stunPort, this.host);
    this.subscriber = pc;
    pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => this.rtpListeners.forEach((l) => l(rtp))));
    await pc.setRemoteDescription(offer.jsep!);
    await pc.setLocalDescription(await pc.createAnswer());
    await this.session.request(handle, { request: 'start' }, await gathered(pc), (e) => e.data.started === 'ok');
  }

  onPayload(listener: (payload: Buffer) => void): void {
    this.rtpListeners.push((rtp) => listener(rtp.payload));
  }

  ssrc(kind: 'audio' | 'video'): number {
    return this.ssrcs[kind];
  }

  /** Waits until both peer connections are connected (ICE + DTLS). */
  async connected(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const pc of [this.publisher, this.subscriber]) {
      while (pc && pc.connectionState !== 'connected') {
        if (Date.now() > deadline)
          throw new Error(`janus feed ${this.feedId}: peer connection ${pc.connectionState} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  async close(): Promise<void> {
    await this.publisher.close().catch(() => {});
    await this.subscriber?.close().catch(() => {});
    await this.session.destroy();
  }
}
