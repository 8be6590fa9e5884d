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
import { ProtocolError } from '../errors/protocol-error.js';
import { attr, child, nsOf } from '../xml/attrs.js';
import { xml, type Element } from '../xml/element.js';

export const JIBRI_NS = 'http://jitsi.org/protocol/jibri';

export interface JibriRequest {
  action: 'start' | 'stop';
  /** The room, when the IQ goes to the focus component rather than through the room. */
  room?: string;
}

export interface RecordingStatusInfo {
  status: 'on' | 'off';
  /** Endpoint id (nick) of the moderator who started or stopped it; "bridge" when it stopped itself. */
  initiator?: string;
  /** Why it is off when nobody asked: "disk-full", "bridge-failed". */
  failureReason?: string;
}

export function isJibriRequest(el: Element | undefined): boolean {
  return !!el && el.name === 'jibri' && nsOf(el) === JIBRI_NS;
}

export function jibriRequestToXml(r: JibriRequest): Element {
  return xml('jibri', { xmlns: JIBRI_NS, action: r.action, recording_mode: 'file', room: r.room });
}

/** Parses a recording request; only file recording is built (live streaming answers feature-not-implemented). */
export function parseJibriRequest(el: Element): JibriRequest {
  if (!isJibriRequest(el)) throw new ProtocolError(`expected <jibri xmlns="${JIBRI_NS}">, got <${el.name}>`);
  const action = attr(el, 'action');
  if (action !== 'start' && action !== 'stop')
    throw new ProtocolError(`<jibri>: action must be start or stop, got ${JSON.stringify(action)}`);
  const mode = attr(el, 'recording_mode') ?? 'file';
  if (action === 'start' && mode !== 'file')
    throw new ProtocolError(
      `<jibri>: recording_mode ${mode} (live streaming) is not built yet`,
      'feature-not-implemented',
    );
  const room = attr(el, 'room');
  if (room !== undefined && !/^[^@/\s]+@[^@/\s]+$/.test(room))
    throw new ProtocolError(`<jibri>: 'room' must be a bare JID like name@conference.domain, got '${room}'`);
  return { action, room };
}

export function jibriResultToXml(s: RecordingStatusInfo): Element {
  return xml('jibri', { xmlns: JIBRI_NS, status: s.status, recording_mode: 'file' });
}

export function recordingStatusToPresenceXml(s: RecordingStatusInfo): Element {
  return xml('jibri-recording-status', {
    xmlns: JIBRI_NS,
    status: s.status,
    recording_mode: 'file',
    initiator: s.initiator,
    failure_reason: s.failureReason,
  });
}

/** The recording status in a presence (the focus occupant's), or undefined when it carries none. */
export function parseRecordingStatusPresence(presence: Element): RecordingStatusInfo | undefined {
  const el = child(presence, 'jibri-recording-status', JIBRI_NS);
  if (!el) return undefined;
  const status = attr(el, 'status');
  if (status !== 'on' && status !== 'off') return undefined;
  return { status, initiator: attr(el, 'initiator'), failureReason: attr(el, 'failure_reason') };
}
