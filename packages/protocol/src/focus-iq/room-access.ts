// Room access (password and lobby): the IQs a moderator or a knocker sends to the focus, and the
// pushes the focus sends back, all in Parley's own namespace urn:parley:focus:1.
//
//   moderator -> focus  <password room="r@c">secret</password>     (empty text clears it)
//   moderator -> focus  <lobby room="r@c" enabled="true"/>
//   knocker   -> focus  <knock room="r@c" nick="Bob"/>              answer: <knock room status="waiting|admitted"/>
//   moderator -> focus  <admit room="r@c" knocker="k1"/>  <deny room="r@c" knocker="k1"/>
//   focus -> moderator  <room-access room lobby password><knocker id nick/>...</room-access>  (a snapshot)
//   focus -> knocker    <knock-result room result="admitted|denied"><password>s</password></knock-result>
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { attr, boolAttr, children, child, nsOf } from '../xml/attrs.js';

export const PARLEY_FOCUS_NS = 'urn:parley:focus:1';

/** Longest room password the focus accepts (characters). */
export const MAX_ROOM_PASSWORD = 128;
/** Longest display name a knocker may give (characters). */
export const MAX_KNOCK_NICK = 64;

export type RoomAccessRequest =
  | { kind: 'password'; room: string; password: string }
  | { kind: 'lobby'; room: string; enabled: boolean }
  | { kind: 'knock'; room: string; nick: string }
  | { kind: 'admit' | 'deny'; room: string; knocker: string };

export type RoomAccessKind = RoomAccessRequest['kind'];
const REQUEST_NAMES: readonly string[] = ['password', 'lobby', 'knock', 'admit', 'deny'];

export interface Knocker {
  /** The focus's id for this knock (not the knocker's JID). */
  id: string;
  nick: string;
}

/** What moderators are told about the room's access settings and who waits in the lobby. */
export interface RoomAccessSnapshot {
  room: string;
  passwordSet: boolean;
  lobbyEnabled: boolean;
  knockers: Knocker[];
}

export interface KnockAnswer {
  room: string;
  status: 'waiting' | 'admitted';
}

export interface KnockResult {
  room: string;
  result: 'admitted' | 'denied';
  /** The room password, given to an admitted knocker so it needs no prompt. */
  password?: string;
}

function room(el: Element): string {
  const r = attr(el, 'room');
  if (!r) throw new ProtocolError(`<${el.name} xmlns="${PARLEY_FOCUS_NS}">: missing attribute 'room'`);
  if (!/^[^@/\s]+@[^@/\s]+$/.test(r))
    throw new ProtocolError(`<${el.name}>: 'room' must be a bare JID like name@conference.domain, got '${r}'`);
  return r;
}

function checkPassword(p: string): string {
  if ([...p].length > MAX_ROOM_PASSWORD)
    throw new ProtocolError(`the password is longer than ${MAX_ROOM_PASSWORD} characters`, 'not-acceptable');
  if (/[\u0000-\u001f\u007f]/.test(p))
    throw new ProtocolError('the password contains control characters', 'not-acceptable');
  return p;
}

function checkNick(n: string): string {
  const nick = n.trim();
  if ([...nick].length > MAX_KNOCK_NICK)
    throw new ProtocolError(`<knock>: 'nick' is longer than ${MAX_KNOCK_NICK} characters`);
  return nick;
}

function knockerId(el: Element): string {
  const id = attr(el, 'knocker');
  if (!id) throw new ProtocolError(`<${el.name}>: missing attribute 'knocker'`);
  if (!/^[0-9a-f]{1,32}$/.test(id)) throw new ProtocolError(`<${el.name}>: bad knocker id '${id}'`);
  return id;
}

/** True for the payload of a room-access request (any of the five names in our namespace). */
export function isRoomAccessRequest(el: Element | undefined): boolean {
  return !!el && REQUEST_NAMES.includes(el.name) && nsOf(el) === PARLEY_FOCUS_NS;
}

export function roomAccessRequestToXml(r: RoomAccessRequest): Element {
  const ns = { xmlns: PARLEY_FOCUS_NS };
  switch (r.kind) {
    case 'password':
      return xml('password', { ...ns, room: r.room }, checkPassword(r.password));
    case 'lobby':
      return xml('lobby', { ...ns, room: r.room, enabled: String(r.enabled) });
    case 'knock':
      return xml('knock', { ...ns, room: r.room, nick: checkNick(r.nick) });
    case 'admit':
    case 'deny':
      return xml(r.kind, { ...ns, room: r.room, knocker: r.knocker });
  }
}

/** Parses the IQ payload of a room-access request; errors name the element and the problem. */
export function parseRoomAccessRequest(el: Element): RoomAccessRequest {
  if (!isRoomAccessRequest(el))
    throw new ProtocolError(`expected a room-access request in ${PARLEY_FOCUS_NS}, got <${el.name}>`);
  const r = room(el);
  switch (el.name) {
    case 'password':
      return { kind: 'password', room: r, password: checkPassword(el.getText()) };
    case 'lobby': {
      const enabled = boolAttr(el, 'enabled');
      if (enabled === undefined) throw new ProtocolError("<lobby>: missing attribute 'enabled' (true or false)");
      return { kind: 'lobby', room: r, enabled };
    }
    case 'knock':
      return { kind: 'knock', room: r, nick: checkNick(attr(el, 'nick') ?? '') };
    default:
      return { kind: el.name as 'admit' | 'deny', room: r, knocker: knockerId(el) };
  }
}

export function knockAnswerToXml(a: KnockAnswer): Element {
  return xml('knock', { xmlns: PARLEY_FOCUS_NS, room: a.room, status: a.status });
}

export function parseKnockAnswer(el: Element): KnockAnswer {
  const k = el.name === 'knock' ? el : child(el, 'knock', PARLEY_FOCUS_NS);
  if (!k) throw new ProtocolError('expected <knock> in the answer to a knock');
  const status = attr(k, 'status');
  if (status !== 'waiting' && status !== 'admitted')
    throw new ProtocolError(`<knock>: 'status' must be waiting or admitted, got '${status ?? ''}'`);
  return { room: room(k), status };
}

export function roomAccessSnapshotToXml(s: RoomAccessSnapshot): Element {
  return xml(
    'room-access',
    { xmlns: PARLEY_FOCUS_NS, room: s.room, lobby: String(s.lobbyEnabled), password: String(s.passwordSet) },
    s.knockers.map((k) => xml('knocker', { id: k.id, nick: k.nick })),
  );
}

export function parseRoomAccessSnapshot(el: Element): RoomAccessSnapshot {
  if (el.name !== 'room-access' || nsOf(el) !== PARLEY_FOCUS_NS)
    throw new ProtocolError(`expected <room-access xmlns="${PARLEY_FOCUS_NS}">, got <${el.name}>`);
  const knockers = children(el, 'knocker').map((k) => {
    const id = attr(k, 'id');
    if (!id) throw new ProtocolError("<room-access> <knocker>: missing attribute 'id'");
    return { id, nick: checkNick(attr(k, 'nick') ?? '') };
  });
  return {
    room: room(el),
    lobbyEnabled: boolAttr(el, 'lobby') ?? false,
    passwordSet: boolAttr(el, 'password') ?? false,
    knockers,
  };
}

export function knockResultToXml(r: KnockResult): Element {
  return xml(
    'knock-result',
    { xmlns: PARLEY_FOCUS_NS, room: r.room, result: r.result },
    r.password !== undefined && xml('password', {}, r.password),
  );
}

export function parseKnockResult(el: Element): KnockResult {
  if (el.name !== 'knock-result' || nsOf(el) !== PARLEY_FOCUS_NS)
    throw new ProtocolError(`expected <knock-result xmlns="${PARLEY_FOCUS_NS}">, got <${el.name}>`);
  const result = attr(el, 'result');
  if (result !== 'admitted' && result !== 'denied')
    throw new ProtocolError(`<knock-result>: 'result' must be admitted or denied, got '${result ?? ''}'`);
  const out: KnockResult = { room: room(el), result };
  const pw = child(el, 'password');
  if (pw) out.password = pw.getText();
  return out;
}
