// Recording control, the way Jitsi Meet does it (Jibri's IQ and status, namespace
// http://jitsi.org/protocol/jibri), so Jitsi-shaped scripts work against Parley:
//
//   moderator -> focus  <iq type="set"><jibri action="start|stop" recording_mode="file" room="r@conference.d"/></iq>
//                       sent to focus.<domain> (room attribute needed) or to the room's focus occupant
//                       (room@conference.d/focus, the room implied), as lib-jitsi-meet does
//   focus -> moderator  <jibri status="on|off" .../> in the result; `forbidden` for a non-moderator
//   focus -> room       <jibri-recording-status status="on|off" recording_mode="file" initiator="nick"
//                       failure_reason="disk-full"/> in the focus occupant's presence: everyone sees it,
//                       newcomers too (the MUC sends them the focus's current presence when they join)
//
// Live streaming is Jibri's stream mode: recording_mode="stream" with streamid = the RTMP(S) address
// (Jitsi's field for a stream key or URL; Parley takes only a full rtmp:// or rtmps:// address, as
// it has no default service to add a key to). Its state is a second <jibri-recording-status> with
// recording_mode="stream"; status "pending" means it failed and is retried, `error` says why.
import { ProtocolError } from '../errors/protocol-error.js';
import { attr, children, nsOf } from '../xml/attrs.js';
import { xml, type Element } from '../xml/element.js';

export const JIBRI_NS = 'http://jitsi.org/protocol/jibri';

export type JibriMode = 'file' | 'stream';

export interface JibriRequest {
  action: 'start' | 'stop';
  mode: JibriMode;
  /** The RTMP(S) address of a stream start. */
  streamUrl?: string;
  /** The room, when the IQ goes to the focus component rather than through the room. */
  room?: string;
}

export interface RecordingStatusInfo {
  /** "pending": a live stream retrying after a failure. */
  status: 'on' | 'off' | 'pending';
  /** "file" unless said otherwise. */
  mode?: JibriMode;
  /** Endpoint id (nick) of the moderator who started or stopped it; "bridge" when it stopped itself. */
  initiator?: string;
  /** Why it is off when nobody asked: "disk-full", "bridge-failed", "stream-failed". */
  failureReason?: string;
  /** A stream's last error in words (the stream key hidden). */
  error?: string;
}

export interface StreamAddress {
  scheme: 'rtmp' | 'rtmps';
  /** Host name or address, lower case, without brackets. */
  host: string;
  port?: number;
}

const STREAM_URL = /^(rtmps?):\/\/(\[[0-9A-Fa-f:.]+\]|[^/:?#\s@[\]]+)(?::(\d{1,5}))?(\/[^\s]*)?$/;

/** An RTMP(S) address checked for shape (this package has no URL class); the error names what is wrong. */
export function parseStreamUrl(value: string): StreamAddress {
  const m = STREAM_URL.exec(value);
  if (!m)
    throw new ProtocolError(
      `the live stream address must be rtmp://host[:port]/app/key or rtmps://..., got '${redactStreamUrl(value)}'`,
    );
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535))
    throw new ProtocolError(`the live stream address has port ${port}; ports are 1 to 65535`);
  const host = m[2].replace(/^\[|\]$/g, '').toLowerCase();
  return port === undefined
    ? { scheme: m[1] as 'rtmp' | 'rtmps', host }
    : { scheme: m[1] as 'rtmp' | 'rtmps', host, port };
}

/** An RTMP address fit for logs and presence: scheme, host and port; the path (app and stream key) hidden. */
export function redactStreamUrl(value: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/\s]*)/i.exec(value);
  const head = m ? m[1].replace(/^([^/]+\/\/)[^@]*@/, '$1') : '';
  return head ? `${head}/…` : '(not an address)';
}

export function isJibriRequest(el: Element | undefined): boolean {
  return !!el && el.name === 'jibri' && nsOf(el) === JIBRI_NS;
}

export function jibriRequestToXml(r: Omit<JibriRequest, 'mode'> & { mode?: JibriMode }): Element {
  const mode = r.mode ?? 'file';
  return xml('jibri', { xmlns: JIBRI_NS, action: r.action, recording_mode: mode, room: r.room, streamid: r.streamUrl });
}

/** Parses a recording (file) or live stream (stream) request; a stream start needs an rtmp(s) streamid. */
export function parseJibriRequest(el: Element): JibriRequest {
  if (!isJibriRequest(el)) throw new ProtocolError(`expected <jibri xmlns="${JIBRI_NS}">, got <${el.name}>`);
  const action = attr(el, 'action');
  if (action !== 'start' && action !== 'stop')
    throw new ProtocolError(`<jibri>: action must be start or stop, got ${JSON.stringify(action)}`);
  const mode = attr(el, 'recording_mode') ?? 'file';
  if (mode !== 'file' && mode !== 'stream')
    throw new ProtocolError(`<jibri>: recording_mode must be file or stream, got ${JSON.stringify(mode)}`);
  const streamUrl = attr(el, 'streamid');
  if (mode === 'stream' && action === 'start') {
    if (!streamUrl) throw new ProtocolError('<jibri>: a live stream needs streamid, its rtmp:// or rtmps:// address');
    parseStreamUrl(streamUrl);
  }
  const room = attr(el, 'room');
  if (room !== undefined && !/^[^@/\s]+@[^@/\s]+$/.test(room))
    throw new ProtocolError(`<jibri>: 'room' must be a bare JID like name@conference.domain, got '${room}'`);
  return { action, mode, room, streamUrl: mode === 'stream' ? streamUrl : undefined };
}

export function jibriResultToXml(s: RecordingStatusInfo): Element {
  return xml('jibri', { xmlns: JIBRI_NS, status: s.status, recording_mode: s.mode ?? 'file' });
}

export function recordingStatusToPresenceXml(s: RecordingStatusInfo): Element {
  return xml('jibri-recording-status', {
    xmlns: JIBRI_NS,
    status: s.status,
    recording_mode: s.mode ?? 'file',
    initiator: s.initiator,
    failure_reason: s.failureReason,
    error: s.error,
  });
}

/** The recording (or, with mode "stream", live stream) status in the focus occupant's presence. */
export function parseRecordingStatusPresence(
  presence: Element,
  mode: JibriMode = 'file',
): RecordingStatusInfo | undefined {
  const el = children(presence, 'jibri-recording-status', JIBRI_NS).find(
    (c) => (attr(c, 'recording_mode') ?? 'file') === mode,
  );
  if (!el) return undefined;
  const status = attr(el, 'status');
  if (status !== 'on' && status !== 'off' && status !== 'pending') return undefined;
  return {
    status,
    mode,
    initiator: attr(el, 'initiator'),
    failureReason: attr(el, 'failure_reason'),
    error: attr(el, 'error'),
  };
}
