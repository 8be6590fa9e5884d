// Plain data for a Jingle session (XEP-0166/0167/0176/0320/0293/0294/0338/0339), shared by the
// focus (which builds it from bridge allocations), the SDP translation (browser side) and colibri2.

/** The Jingle namespace (XEP-0166), the one constant every side uses. */
export const JINGLE_NS = 'urn:xmpp:jingle:1';

export const NS = {
  jingle: JINGLE_NS,
  rtp: 'urn:xmpp:jingle:apps:rtp:1',
  rtcpFb: 'urn:xmpp:jingle:apps:rtp:rtcp-fb:0',
  hdrext: 'urn:xmpp:jingle:apps:rtp:rtp-hdrext:0',
  ssma: 'urn:xmpp:jingle:apps:rtp:ssma:0',
  iceUdp: 'urn:xmpp:jingle:transports:ice-udp:1',
  dtls: 'urn:xmpp:jingle:apps:dtls:0',
  sctp: 'urn:xmpp:jingle:transports:dtls-sctp:1',
  grouping: 'urn:xmpp:jingle:apps:grouping:0',
  jitmeet: 'http://jitsi.org/jitmeet',
  /** Jitsi's focus namespace: <ice-state> and <bridge-session> in a session-info (lib-jitsi-meet). */
  focus: 'http://jitsi.org/protocol/focus',
} as const;

export type JingleAction =
  | 'session-initiate'
  | 'session-accept'
  | 'session-terminate'
  | 'session-info'
  | 'source-add'
  | 'source-remove'
  | 'transport-info'
  | 'transport-replace'
  | 'transport-accept'
  | 'content-modify';

/** ICE states a client may report in a session-info (RTCIceConnectionState; lib-jitsi-meet sends 'failed'). */
export const ICE_STATES = ['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed'] as const;
export type IceState = (typeof ICE_STATES)[number];

export type MediaType = 'audio' | 'video';
export type VideoType = 'camera' | 'desktop';

export interface RtcpFeedback {
  type: string;
  subtype?: string;
}

export interface PayloadType {
  id: number;
  name: string;
  clockrate: number;
  channels?: number;
  parameters: Record<string, string>;
  rtcpFeedback: RtcpFeedback[];
}

export interface HeaderExtension {
  id: number;
  uri: string;
  senders?: 'both' | 'initiator' | 'responder';
}

/** A media source: one camera, one microphone, one screen share. Named `<endpointId>-a0|v0|v1`. */
export interface Source {
  ssrc: number;
  /** Source name, e.g. "a1b2c3d4-v0". */
  name: string;
  /** Owner endpoint id (MUC nick, 8 hex), rendered as <ssrc-info owner="room@conference/nick">
   *  by Jitsi; here the bare endpoint id unless ownerJid is set. */
  owner: string;
  msid?: string;
  videoType?: VideoType;
}

export interface SourceGroup {
  semantics: string;
  ssrcs: number[];
}

export interface IceCandidate {
  foundation: string;
  component: number;
  protocol: 'udp' | 'tcp';
  priority: number;
  ip: string;
  port: number;
  type: 'host' | 'srflx' | 'prflx' | 'relay';
  generation?: number;
  network?: number;
  id?: string;
  relAddr?: string;
  relPort?: number;
  tcptype?: 'active' | 'passive' | 'so';
}

export interface Fingerprint {
  hash: string;
  value: string;
  setup: 'actpass' | 'active' | 'passive';
}

export interface IceTransport {
  ufrag: string;
  pwd: string;
  candidates: IceCandidate[];
  fingerprints: Fingerprint[];
  rtcpMux: boolean;
  /**
   * The agent is ICE-lite (RFC 8445 2.5): it only answers checks, so the other side must be the
   * controlling agent. Rendered as Parley's <ice-lite/> in the ice-udp transport and a=ice-lite in SDP.
   */
  iceLite?: boolean;
  /** SCTP port of the data channel carried on this transport (XEP-0343 sctpmap / sctp-port). */
  sctpPort?: number;
}

export interface RtpDescription {
  media: MediaType;
  payloadTypes: PayloadType[];
  headerExtensions: HeaderExtension[];
  sources: Source[];
  sourceGroups: SourceGroup[];
  rtcpMux: boolean;
  extmapAllowMixed?: boolean;
}

export type Senders = 'both' | 'initiator' | 'responder' | 'none';

export interface JingleContent {
  /** "audio", "video" or "data". */
  name: string;
  creator: 'initiator' | 'responder';
  senders: Senders;
  /** Absent for the data (SCTP) content. */
  description?: RtpDescription;
  /** Absent in source-add / source-remove. */
  transport?: IceTransport;
}

export interface Jingle {
  action: JingleAction;
  sid: string;
  initiator?: string;
  responder?: string;
  contents: JingleContent[];
  /** Content names of the BUNDLE group (XEP-0338), in order. */
  bundle?: string[];
  reason?: { condition: string; text?: string };
  /** session-info: the client's ICE state, `<ice-state xmlns="http://jitsi.org/protocol/focus">`. */
  iceState?: IceState;
  /** session-info: the bridge session the client is on, `<bridge-session xmlns=... id=.../>`. */
  bridgeSession?: string;
  /**
   * session-terminate: the client asks for a new session rather than leaving (lib-jitsi-meet's
   * `<bridge-session restart="true"/>`; jicofo re-invites). Needs `bridgeSession`.
   */
  restartRequested?: boolean;
}
