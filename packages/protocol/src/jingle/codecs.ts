// Parley's default offer: Jitsi's payload type numbers and header extension ids (see design.md).
import type { HeaderExtension, PayloadType, RtcpFeedback, RtpDescription } from './model.js';

export const HDREXT = {
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  absSendTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  transportCc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
} as const;

const videoFeedback = (): RtcpFeedback[] => [
  { type: 'ccm', subtype: 'fir' },
  { type: 'nack' },
  { type: 'nack', subtype: 'pli' },
  { type: 'goog-remb' },
  { type: 'transport-cc' },
];

const video = (id: number, name: string, parameters: Record<string, string> = {}): PayloadType => ({
  id,
  name,
  clockrate: 90000,
  parameters,
  rtcpFeedback: videoFeedback(),
});
const rtx = (id: number, apt: number): PayloadType => ({
  id,
  name: 'rtx',
  clockrate: 90000,
  parameters: { apt: String(apt) },
  rtcpFeedback: [],
});

export function defaultAudioDescription(): RtpDescription {
  const headerExtensions: HeaderExtension[] = [
    { id: 1, uri: HDREXT.audioLevel },
    { id: 3, uri: HDREXT.absSendTime },
    { id: 5, uri: HDREXT.transportCc },
    { id: 10, uri: HDREXT.mid },
  ];
  return {
    media: 'audio',
    payloadTypes: [
      {
        id: 111,
        name: 'opus',
        clockrate: 48000,
        channels: 2,
        parameters: { minptime: '10', useinbandfec: '1' },
        rtcpFeedback: [{ type: 'transport-cc' }],
      },
    ],
    headerExtensions,
    sources: [],
    sourceGroups: [],
    rtcpMux: true,
  };
}

export interface DefaultVideoOptions {
  /** Offer AV1 (payload type 41, last). Default true. */
  av1?: boolean;
}

export function defaultVideoDescription(opts: DefaultVideoOptions = {}): RtpDescription {
  const payloadTypes = [
    video(100, 'VP8'),
    rtx(96, 100),
    video(101, 'VP9', { 'profile-id': '0' }),
    rtx(97, 101),
    video(107, 'H264', { 'profile-level-id': '42e01f', 'packetization-mode': '1', 'level-asymmetry-allowed': '1' }),
    rtx(99, 107),
  ];
  if (opts.av1 !== false) payloadTypes.push(video(41, 'AV1'));
  return {
    media: 'video',
    payloadTypes,
    headerExtensions: [
      { id: 3, uri: HDREXT.absSendTime },
      { id: 5, uri: HDREXT.transportCc },
      { id: 10, uri: HDREXT.mid },
    ],
    sources: [],
    sourceGroups: [],
    rtcpMux: true,
  };
}
