// Plane 1, pure: MUC presence -> room members -> participants, and MUC messages -> chat.
// No DOM types here (unit-tested in Node); Participant lives in participant.ts for that reason.
import type { Participant } from './participant.js';
import {
  isEndpointId,
  parseParticipantPresence,
  resourceOf,
  bareJid,
  xml,
  type Element,
  type ParticipantPresence,
  type SourceInfoEntry,
} from '@parley/protocol';

/** The focus's occupant nick: never shown. */
export const FOCUS_NICK = 'focus';

export interface Member {
  nick: string;
  displayName: string;
  /** False for another XMPP app's user (a chat-only occupant, no media). */
  endpoint: boolean;
  moderator: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
  raisedHand?: number;
  sourceInfo: Record<string, SourceInfoEntry>;
  /** Join order. */
  seq: number;
}

export interface RoomModel {
  members: Record<string, Member>;
  nextSeq: number;
}

export const emptyRoom = (): RoomModel => ({ members: {}, nextSeq: 0 });

export type PresenceOutcome =
  | { kind: 'ignored' }
  | { kind: 'joined' | 'updated' | 'left'; nick: string }
  | { kind: 'self' }
  /** Our own occupant left the room: 307 kicked, 301 banned, otherwise (e.g. 332 shutdown). */
  | { kind: 'self-gone'; removed: boolean; codes: number[] };

/** True when a SourceInfo shows an unmuted desktop source (a screen share). */
export function sharesScreen(si: Record<string, SourceInfoEntry>): boolean {
  return Object.values(si).some((e) => e.videoType === 'desktop' && !e.muted);
}

/** Applies one parsed occupant presence. `selfNick` is our endpoint id. Returns a new model. */
export function applyPresence(
  room: RoomModel,
  p: ParticipantPresence,
  selfNick: string | undefined,
): { room: RoomModel; outcome: PresenceOutcome } {
  const nick = p.occupantNick;
  if (!nick || nick === FOCUS_NICK) return { room, outcome: { kind: 'ignored' } };
  const isSelf = nick === selfNick;
  if (p.unavailable) {
    if (!(nick in room.members) && !isSelf) return { room, outcome: { kind: 'ignored' } };
    const members = { ...room.members };
    delete members[nick];
    const next = { ...room, members };
    if (isSelf) {
      // 303: nick change (not used by Parley) keeps us in the room.
      if (p.statusCodes.includes(303)) return { room, outcome: { kind: 'ignored' } };
      return {
        room: next,
        outcome: {
          kind: 'self-gone',
          removed: p.statusCodes.includes(307) || p.statusCodes.includes(301),
          codes: p.statusCodes,
        },
      };
    }
    return { room: next, outcome: { kind: 'left', nick } };
  }
  const old = room.members[nick];
  const member: Member = {
    nick,
    displayName: p.nick ?? old?.displayName ?? nick,
    endpoint: isEndpointId(nick),
    moderator: p.role !== undefined ? p.role === 'moderator' : (old?.moderator ?? false),
    audioMuted: p.audioMuted ?? old?.audioMuted ?? false,
    videoMuted: p.videoMuted ?? old?.videoMuted ?? false,
    sourceInfo: p.sourceInfo ?? old?.sourceInfo ?? {},
    seq: old?.seq ?? room.nextSeq,
  };
  // Presence is a full state: an absent raised hand means the hand is down.
  if (p.raisedHand !== undefined) member.raisedHand = p.raisedHand;
  const next: RoomModel = {
    members: { ...room.members, [nick]: member },
    nextSeq: old ? room.nextSeq : room.nextSeq + 1,
  };
  if (isSelf) return { room: next, outcome: { kind: 'self' } };
  return { room: next, outcome: { kind: old ? 'updated' : 'joined', nick } };
}

/** Parses and applies a presence stanza from the room; malformed ones are dropped (outcome ignored, error set). */
export function applyPresenceStanza(
  room: RoomModel,
  stanza: Element,
  selfNick: string | undefined,
): { room: RoomModel; outcome: PresenceOutcome; error?: unknown } {
  let p: ParticipantPresence;
  try {
    p = parseParticipantPresence(stanza);
  } catch (error) {
    return { room, outcome: { kind: 'ignored' }, error };
  }
  return applyPresence(room, p, selfNick);
}

export interface LocalView {
  id: string;
  displayName: string;
  audioMuted: boolean;
  videoMuted: boolean;
  raisedHand?: number;
  screenSharing: boolean;
}

/** Everyone in the room by id; the local participant from local state (moderator from presence). */
export function participantsOf(room: RoomModel, local: LocalView | undefined): Record<string, Participant> {
  const out: Record<string, Participant> = {};
  if (local) {
    const me: Participant = {
      id: local.id,
      displayName: local.displayName,
      isLocal: true,
      moderator: room.members[local.id]?.moderator ?? false,
      audioMuted: local.audioMuted,
      videoMuted: local.videoMuted,
      screenSharing: local.screenSharing,
    };
    if (local.raisedHand !== undefined) me.raisedHand = local.raisedHand;
    out[local.id] = me;
  }
  for (const m of Object.values(room.members).sort((a, b) => a.seq - b.seq)) {
    if (m.nick === local?.id) continue;
    const v: Participant = {
      id: m.nick,
      displayName: m.displayName,
      isLocal: false,
      moderator: m.moderator,
      audioMuted: m.audioMuted,
      videoMuted: m.videoMuted,
      screenSharing: sharesScreen(m.sourceInfo),
    };
    if (m.raisedHand !== undefined) v.raisedHand = m.raisedHand;
    if (!m.endpoint) v.external = true;
    out[m.nick] = v;
  }
  return out;
}

// ---- chat ----

export interface ChatEntry {
  id: string;
  from: string;
  displayName: string;
  text: string;
  at: number;
  mine: boolean;
  privateWith?: string;
  /** A notice of the meeting itself (recording.ts), not a person's message. */
  notice?: boolean;
}

export interface IncomingChat {
  message: ChatEntry /** Replayed by the MUC on join (delay-stamped). */;
  history: boolean;
}

const DELAY_NS = 'urn:xmpp:delay';
let counter = 0;
const localId = (): string => `local-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/**
 * A `<message>` from the room -> a chat entry: groupchat (our own reflected back is `mine`) or a
 * MUC private message (type chat from room@muc/nick). Subjects, errors and bodiless messages: undefined.
 */
export function parseChatStanza(
  stanza: Element,
  roomJid: string,
  selfNick: string | undefined,
  room: RoomModel,
  now: () => number = Date.now,
): IncomingChat | undefined {
  if (stanza.name !== 'message') return undefined;
  const type = stanza.attrs.type;
  if (type !== 'groupchat' && type !== 'chat') return undefined;
  const from = String(stanza.attrs.from ?? '');
  let bare: string;
  try {
    bare = bareJid(from);
  } catch {
    return undefined;
  }
  if (bare !== roomJid) return undefined;
  const nick = resourceOf(from);
  if (!nick) return undefined;
  const body = stanza.getChild('body');
  if (!body) return undefined;
  const text = body.getText();
  if (!text) return undefined;
  const delay = stanza.getChild('delay', DELAY_NS);
  const stamp = delay ? Date.parse(String(delay.attrs.stamp ?? '')) : NaN;
  const mine = type === 'groupchat' && nick === selfNick;
  const message: ChatEntry = {
    id: String(stanza.attrs.id || localId()),
    from: nick,
    displayName: room.members[nick]?.displayName ?? nick,
    text,
    at: Number.isFinite(stamp) ? stamp : now(),
    mine,
  };
  if (type === 'chat') message.privateWith = nick;
  return { message, history: !!delay };
}

export interface ChatState {
  chat: ChatEntry[];
  unreadChat: number;
}

/** Appends (dropping a duplicate id from the same sender); counts unread when not mine, not history and the chat is closed. */
export function addChat<T extends ChatState>(s: T, incoming: IncomingChat, chatOpen: boolean): T {
  const m = incoming.message;
  if (s.chat.some((x) => x.id === m.id && x.from === m.from && x.privateWith === m.privateWith)) return s;
  const unread = !m.mine && !incoming.history && !chatOpen ? 1 : 0;
  return { ...s, chat: [...s.chat, m], unreadChat: s.unreadChat + unread };
}

/** Our own outgoing message: groupchat to the room, or a MUC private message to room@muc/nick. */
export function chatStanza(roomJid: string, text: string, id: string, privateTo?: string): Element {
  return privateTo
    ? xml(
        'message',
        { type: 'chat', to: `${roomJid}/${privateTo}`, id },
        xml('body', {}, text),
        xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' }),
      )
    : xml('message', { type: 'groupchat', to: roomJid, id }, xml('body', {}, text));
}

export function newChatId(): string {
  return localId();
}
