// The conference request a client sends to the focus (Jitsi's ConferenceIq,
// namespace http://jitsi.org/protocol/focus) and the focus's answer.
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { attr, child, children, nsOf } from '../xml/attrs.js';

export const FOCUS_NS = 'http://jitsi.org/protocol/focus';

export interface ConferenceRequest {
  /** Bare room JID, e.g. "room@conference.example". */
  room: string;
  machineUid?: string;
  properties: Record<string, string>;
}

export interface ConferenceReady {
  room: string;
  ready: boolean;
  /** The focus's JID the client must accept Jingle from. */
  focusJid: string;
}

/** A bare JID with a non-empty local part and domain, no resource. */
function checkRoom(room: string | undefined): string {
  if (!room) throw new ProtocolError("focus <conference>: missing attribute 'room'");
  if (!/^[^@/\s]+@[^@/\s]+$/.test(room)) {
    throw new ProtocolError(`focus <conference>: 'room' must be a bare JID like name@conference.domain, got '${room}'`);
  }
  return room;
}

function conferenceEl(el: Element): Element {
  const c = el.name === 'conference' ? el : child(el, 'conference');
  if (!c) throw new ProtocolError(`expected <conference xmlns="${FOCUS_NS}">, got <${el.name}>`);
  if (nsOf(c) !== FOCUS_NS)
    throw new ProtocolError(`<conference>: wrong namespace '${nsOf(c) ?? ''}', expected '${FOCUS_NS}'`);
  return c;
}

export function conferenceRequestToXml(r: ConferenceRequest): Element {
  return xml(
    'conference',
    { xmlns: FOCUS_NS, room: checkRoom(r.room), 'machine-uid': r.machineUid },
    Object.entries(r.properties).map(([name, value]) => xml('property', { name, value })),
  );
}

/** Parses `<conference>` or an `<iq>` carrying it. */
export function parseConferenceRequest(el: Element): ConferenceRequest {
  const c = conferenceEl(el);
  const r: ConferenceRequest = { room: checkRoom(attr(c, 'room')), properties: {} };
  const uid = attr(c, 'machine-uid');
  if (uid !== undefined) r.machineUid = uid;
  for (const p of children(c, 'property')) {
    const name = attr(p, 'name');
    if (!name) throw new ProtocolError("focus <conference> <property>: missing attribute 'name'");
    r.properties[name] = attr(p, 'value') ?? '';
  }
  return r;
}

export function conferenceReadyToXml(r: ConferenceReady): Element {
  return xml('conference', { xmlns: FOCUS_NS, room: checkRoom(r.room), ready: String(r.ready), focusjid: r.focusJid });
}

export function parseConferenceReady(el: Element): ConferenceReady {
  const c = conferenceEl(el);
  const ready = attr(c, 'ready');
  if (ready !== 'true' && ready !== 'false')
    throw new ProtocolError(`focus <conference>: attribute 'ready' must be 'true' or 'false', got '${ready ?? ''}'`);
  const focusJid = attr(c, 'focusjid');
  if (!focusJid) throw new ProtocolError("focus <conference>: missing attribute 'focusjid'");
  return { room: checkRoom(attr(c, 'room')), ready: ready === 'true', focusJid };
}
