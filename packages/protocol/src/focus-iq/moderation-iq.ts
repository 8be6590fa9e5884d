// Moderation through the focus (issue 11): a moderator's requests to the focus and the focus's
// notices to participants, as child elements of IQ sets in namespace urn:parley:focus:1.
//
//   moderator -> focus   <grant-moderator room="r@conference.d" nick="a1b2c3d4"/>
//                        <mute-all room="r@conference.d" media="audio|video"/>
//                        <end-meeting room="r@conference.d"/>
//   focus -> participant <moderator-key room="r@conference.d">secret</moderator-key>
//                        <meeting-ended room="r@conference.d" by="a1b2c3d4"/>
//
// A moderator who reloads presents the key in its next conference request as
// <property name="moderator-key" value="secret"/> (Jitsi's property shape).
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { attr, nsOf, requireAttr } from '../xml/attrs.js';
import { isEndpointId } from '../presence/jid.js';
import { MUC_OWNER_NS } from '../presence/muc.js';
import type { ConferenceRequest } from './conference-iq.js';

/** urn:parley:focus:1, the namespace of Parley's own focus IQs (named for this file's use of it). */
export const FOCUS_MODERATION_NS = 'urn:parley:focus:1';

/** The conference request property that carries a moderator key. */
export const MODERATOR_KEY_PROPERTY = 'moderator-key';

export type ModerationMedia = 'audio' | 'video';

export type ModerationRequest =
  | { action: 'grant-moderator'; room: string; nick: string }
  | { action: 'mute-all'; room: string; media: ModerationMedia }
  | { action: 'end-meeting'; room: string };

export type ModerationAction = ModerationRequest['action'];

const ACTIONS: readonly string[] = ['grant-moderator', 'mute-all', 'end-meeting'] satisfies ModerationAction[];

/** A moderator key: 32 random bytes, base64url (43 characters). */
const KEY_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function checkRoom(el: Element): string {
  const room = requireAttr(el, 'room');
  if (!/^[^@/\s]+@[^@/\s]+$/.test(room))
    throw new ProtocolError(`<${el.name}>: 'room' must be a bare JID like name@conference.domain, got '${room}'`);
  return room;
}

/** True for an element this module parses as a moderator's request. */
export function isModerationRequest(el: Element | undefined): boolean {
  return !!el && nsOf(el) === FOCUS_MODERATION_NS && ACTIONS.includes(el.name);
}

export function moderationRequestToXml(r: ModerationRequest): Element {
  const attrs: Record<string, string> = { xmlns: FOCUS_MODERATION_NS, room: r.room };
  if (r.action === 'grant-moderator') attrs.nick = r.nick;
  if (r.action === 'mute-all') attrs.media = r.media;
  return xml(r.action, attrs);
}

/** Parses a moderator's request; bad input is a ProtocolError (bad-request) naming the problem. */
export function parseModerationRequest(el: Element): ModerationRequest {
  if (!isModerationRequest(el))
    throw new ProtocolError(`expected one of ${ACTIONS.join(', ')} in ${FOCUS_MODERATION_NS}, got <${el.name}>`);
  const room = checkRoom(el);
  switch (el.name as ModerationAction) {
    case 'grant-moderator': {
      const nick = requireAttr(el, 'nick');
      if (!isEndpointId(nick))
        throw new ProtocolError(`<grant-moderator>: 'nick' must be a participant's endpoint id, got '${nick}'`);
      return { action: 'grant-moderator', room, nick };
    }
    case 'mute-all': {
      const media = attr(el, 'media');
      if (media !== 'audio' && media !== 'video')
        throw new ProtocolError(`<mute-all>: 'media' must be 'audio' or 'video', got '${media ?? ''}'`);
      return { action: 'mute-all', room, media };
    }
    default:
      return { action: 'end-meeting', room };
  }
}

export interface ModeratorKeyNotice {
  room: string;
  key: string;
}

export function isModeratorKey(key: string | undefined): key is string {
  return typeof key === 'string' && KEY_SHAPE.test(key);
}

export function moderatorKeyToXml(n: ModeratorKeyNotice): Element {
  return xml('moderator-key', { xmlns: FOCUS_MODERATION_NS, room: n.room }, n.key);
}

export function parseModeratorKey(el: Element): ModeratorKeyNotice {
  if (el.name !== 'moderator-key' || nsOf(el) !== FOCUS_MODERATION_NS)
    throw new ProtocolError(`expected <moderator-key xmlns="${FOCUS_MODERATION_NS}">, got <${el.name}>`);
  const key = el.getText().trim();
  if (!isModeratorKey(key)) throw new ProtocolError('<moderator-key>: the key is not 43 base64url characters');
  return { room: checkRoom(el), key };
}

/** The moderator key a conference request carries, when it carries one of the right shape. */
export function moderatorKeyOf(r: ConferenceRequest): string | undefined {
  const key = r.properties[MODERATOR_KEY_PROPERTY];
  return isModeratorKey(key) ? key : undefined;
}

export interface MeetingEndedNotice {
  room: string;
  /** Endpoint id of the moderator who ended it. */
  by?: string;
}

export function meetingEndedToXml(n: MeetingEndedNotice): Element {
  return xml('meeting-ended', { xmlns: FOCUS_MODERATION_NS, room: n.room, by: n.by });
}

export function parseMeetingEnded(el: Element): MeetingEndedNotice {
  if (el.name !== 'meeting-ended' || nsOf(el) !== FOCUS_MODERATION_NS)
    throw new ProtocolError(`expected <meeting-ended xmlns="${FOCUS_MODERATION_NS}">, got <${el.name}>`);
  const n: MeetingEndedNotice = { room: checkRoom(el) };
  const by = attr(el, 'by');
  if (by) n.by = by;
  return n;
}

/** The owner's request that destroys a MUC room (XEP-0045 10.9): every occupant is removed. */
export function destroyRoomIq(room: string, reason: string): Element {
  return xml(
    'iq',
    { type: 'set', to: room },
    xml('query', { xmlns: MUC_OWNER_NS }, xml('destroy', {}, xml('reason', {}, reason))),
  );
}
