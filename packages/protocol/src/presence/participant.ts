// Participant state carried in MUC presence (plane 1), with Jitsi's element names:
// XEP-0172 <nick>, <audiomuted>/<videomuted>, <SourceInfo> JSON, <jitsi_participant_raisedHand>,
// <stats-id>, <jitsi_participant_region>, and the muc#user <x> item/status codes.
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import type { VideoType } from '../jingle/model.js';
import { splitJid } from './jid.js';
import { MUC_USER_NS, type MucAffiliation, type MucRole } from './muc.js';

export const NICK_NS = 'http://jabber.org/protocol/nick';
export const AUDIO_MUTED_NS = 'http://jitsi.org/jitmeet/audio';
export const VIDEO_MUTED_NS = 'http://jitsi.org/jitmeet/video';
/** Jitsi's mute request (<mute xmlns=...>) uses the presence namespaces: one constant each. */
export const MUTE_AUDIO_NS = AUDIO_MUTED_NS;
export const MUTE_VIDEO_NS = VIDEO_MUTED_NS;

export interface SourceInfoEntry {
  muted: boolean;
  videoType?: VideoType;
}

export interface ParticipantInfo {
  nick?: string;
  audioMuted?: boolean;
  videoMuted?: boolean;
  /** Source name -> state, e.g. { "a1b2c3d4-v0": { muted: false, videoType: "camera" } }. */
  sourceInfo?: Record<string, SourceInfoEntry>;
  /** Raised-hand time (ms since epoch); absent when the hand is down. */
  raisedHand?: number;
  statsId?: string;
  region?: string;
}

export interface ParticipantPresence extends ParticipantInfo {
  /** Resource of `from`: the occupant nick (= endpoint id for Parley participants). */
  occupantNick?: string;
  role?: MucRole;
  affiliation?: MucAffiliation;
  /** Real JID, when the room is non-anonymous or we are a moderator. */
  jid?: string;
  unavailable: boolean;
  statusCodes: number[];
}

/** The presence children for `info` (append them to a `<presence>`; fields left out are omitted). */
export function participantPresenceChildren(info: ParticipantInfo): Element[] {
  const out: Element[] = [];
  if (info.nick !== undefined) out.push(xml('nick', { xmlns: NICK_NS }, info.nick));
  if (info.audioMuted !== undefined) out.push(xml('audiomuted', { xmlns: AUDIO_MUTED_NS }, String(info.audioMuted)));
  if (info.videoMuted !== undefined) out.push(xml('videomuted', { xmlns: VIDEO_MUTED_NS }, String(info.videoMuted)));
  if (info.sourceInfo !== undefined) {
    checkSourceInfo(info.sourceInfo);
    out.push(xml('SourceInfo', {}, JSON.stringify(info.sourceInfo)));
  }
  if (info.raisedHand !== undefined) out.push(xml('jitsi_participant_raisedHand', {}, String(info.raisedHand)));
  if (info.statsId !== undefined) out.push(xml('stats-id', {}, info.statsId));
  if (info.region !== undefined) out.push(xml('jitsi_participant_region', {}, info.region));
  return out;
}

function checkSourceInfo(v: unknown): asserts v is Record<string, SourceInfoEntry> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError('SourceInfo: not a JSON object');
  for (const [name, e] of Object.entries(v as Record<string, unknown>)) {
    if (typeof e !== 'object' || e === null || Array.isArray(e))
      throw new ProtocolError(`SourceInfo: entry '${name}' is not an object`);
    const entry = e as Record<string, unknown>;
    if (typeof entry.muted !== 'boolean')
      throw new ProtocolError(`SourceInfo: entry '${name}' field 'muted' is not a boolean`);
    if (entry.videoType !== undefined && entry.videoType !== 'camera' && entry.videoType !== 'desktop') {
      throw new ProtocolError(`SourceInfo: entry '${name}' has bad videoType '${String(entry.videoType)}'`);
    }
  }
}

/** Parses the SourceInfo JSON text strictly (only `muted` and `videoType` are kept). */
export function parseSourceInfo(text: string): Record<string, SourceInfoEntry> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ProtocolError('SourceInfo: not valid JSON');
  }
  checkSourceInfo(v);
  const out: Record<string, SourceInfoEntry> = {};
  for (const [name, e] of Object.entries(v)) {
    out[name] = e.videoType === undefined ? { muted: e.muted } : { muted: e.muted, videoType: e.videoType };
  }
  return out;
}

/** Jitsi sends <audiomuted> with and without its namespace; accept both. */
function child(p: Element, name: string, ns?: string): Element | undefined {
  return (ns && p.getChild(name, ns)) || p.getChild(name) || undefined;
}

function boolText(el: Element, what: string): boolean {
  const t = el.getText().trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new ProtocolError(`<${what}>: not 'true' or 'false': '${t}'`);
}

const ROLES = ['moderator', 'participant', 'visitor', 'none'];
const AFFILIATIONS = ['owner', 'admin', 'member', 'outcast', 'none'];

export function parseParticipantPresence(presence: Element): ParticipantPresence {
  if (presence.name !== 'presence') throw new ProtocolError(`expected <presence>, got <${presence.name}>`);
  const out: ParticipantPresence = { unavailable: presence.attrs.type === 'unavailable', statusCodes: [] };
  const from = presence.attrs.from;
  if (typeof from === 'string' && from) {
    const resource = splitJid(from).resource;
    if (resource !== undefined) out.occupantNick = resource;
  }
  const x = presence.getChild('x', MUC_USER_NS);
  if (x) {
    const item = x.getChild('item');
    if (item) {
      const { role, affiliation, jid } = item.attrs as Record<string, string | undefined>;
      if (role !== undefined) {
        if (!ROLES.includes(role)) throw new ProtocolError(`muc#user <item>: bad role '${role}'`);
        out.role = role as MucRole;
      }
      if (affiliation !== undefined) {
        if (!AFFILIATIONS.includes(affiliation))
          throw new ProtocolError(`muc#user <item>: bad affiliation '${affiliation}'`);
        out.affiliation = affiliation as MucAffiliation;
      }
      if (jid) out.jid = jid;
    }
    for (const s of x.getChildren('status')) {
      const code = Number(s.attrs.code);
      if (!/^\d{3}$/.test(String(s.attrs.code ?? '')))
        throw new ProtocolError(`muc#user <status>: bad code '${String(s.attrs.code)}'`);
      out.statusCodes.push(code);
    }
  }
  const nick = presence.getChild('nick', NICK_NS);
  if (nick) out.nick = nick.getText();
  const am = child(presence, 'audiomuted', AUDIO_MUTED_NS);
  if (am) out.audioMuted = boolText(am, 'audiomuted');
  const vm = child(presence, 'videomuted', VIDEO_MUTED_NS);
  if (vm) out.videoMuted = boolText(vm, 'videomuted');
  const si = presence.getChild('SourceInfo');
  if (si) out.sourceInfo = parseSourceInfo(si.getText());
  const rh = presence.getChild('jitsi_participant_raisedHand');
  if (rh) {
    const t = rh.getText().trim();
    // An empty element (or a legacy non-numeric value) means no timestamp: treat as lowered.
    if (/^\d+$/.test(t)) out.raisedHand = Number(t);
  }
  const statsId = presence.getChild('stats-id');
  if (statsId) out.statsId = statsId.getText();
  const region = presence.getChild('jitsi_participant_region');
  if (region) out.region = region.getText();
  return out;
}

/** True for the presence reflecting our own occupant (status code 110). */
export function isSelfPresence(presence: Element): boolean {
  const x = presence.getChild('x', MUC_USER_NS);
  return !!x && x.getChildren('status').some((s) => s.attrs.code === '110');
}
