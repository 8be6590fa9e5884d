// Bridge channel: JSON messages over the SCTP data channel between client and bridge, tagged by
// `colibriClass` (the shapes jitsi-videobridge and lib-jitsi-meet use). Unknown extra fields are kept.
import { ProtocolError } from '../errors/protocol-error.js';

/** Messages whose UTF-8 encoding is larger than this (64 KiB) are rejected. */
export const MAX_BRIDGE_CHANNEL_MESSAGE = 64 * 1024;

/** UTF-8 byte length without TextEncoder (not in the ES2022 lib). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function checkSize(text: string): void {
  // Cheap early exit first: a string longer than the limit in code units is too large in bytes.
  const size = text.length > MAX_BRIDGE_CHANNEL_MESSAGE ? text.length : utf8Length(text);
  if (size > MAX_BRIDGE_CHANNEL_MESSAGE) {
    throw new ProtocolError(
      `bridge channel: message too large (${size} bytes > ${MAX_BRIDGE_CHANNEL_MESSAGE} bytes)`,
      'resource-constraint',
    );
  }
}

export interface VideoConstraints {
  maxHeight: number;
  [extra: string]: unknown;
}

export interface ServerHello {
  colibriClass: 'ServerHello';
  version?: string;
  [extra: string]: unknown;
}
export interface ClientHello {
  colibriClass: 'ClientHello';
  [extra: string]: unknown;
}
export interface EndpointMessage {
  colibriClass: 'EndpointMessage';
  /** Set by the bridge to the sender's endpoint id. */
  from?: string;
  /** Target endpoint id, or "" for everyone. */
  to: string;
  msgPayload: unknown;
  [extra: string]: unknown;
}
export interface ReceiverVideoConstraints {
  colibriClass: 'ReceiverVideoConstraints';
  lastN?: number;
  selectedSources?: string[];
  onStageSources?: string[];
  defaultConstraints?: VideoConstraints;
  /** Source name -> constraints. */
  constraints?: Record<string, VideoConstraints>;
  [extra: string]: unknown;
}
export interface ForwardedSources {
  colibriClass: 'ForwardedSources';
  forwardedSources: string[];
  [extra: string]: unknown;
}
export interface DominantSpeakerEndpointChangeEvent {
  colibriClass: 'DominantSpeakerEndpointChangeEvent';
  dominantSpeakerEndpoint: string;
  previousSpeakers?: string[];
  [extra: string]: unknown;
}
export interface EndpointStats {
  colibriClass: 'EndpointStats';
  from?: string;
  [stat: string]: unknown;
}
export interface SenderSourceConstraints {
  colibriClass: 'SenderSourceConstraints';
  sourceName: string;
  maxHeight: number;
  [extra: string]: unknown;
}
export interface EndpointConnectivityStatusChangeEvent {
  colibriClass: 'EndpointConnectivityStatusChangeEvent';
  endpoint: string;
  /** Sent as the string "true"/"false" like jitsi-videobridge; booleans are accepted too. */
  active: boolean;
  [extra: string]: unknown;
}

/** lib-jitsi-meet tells the bridge what a video source carries now (JVB's BridgeVideoType values). */
export interface SourceVideoTypeMessage {
  colibriClass: 'SourceVideoTypeMessage';
  sourceName: string;
  videoType: BridgeVideoType;
  [extra: string]: unknown;
}
export type BridgeVideoType = 'camera' | 'desktop' | 'desktop_high_fps' | 'none';
export const BRIDGE_VIDEO_TYPES: readonly BridgeVideoType[] = ['camera', 'desktop', 'desktop_high_fps', 'none'];
/** The older way lib-jitsi-meet sets last-N (still sent by it); the same as ReceiverVideoConstraints.lastN. */
export interface LastNChangedEvent {
  colibriClass: 'LastNChangedEvent';
  lastN: number;
  [extra: string]: unknown;
}
/** Which participants' audio a receiver wants (lib-jitsi-meet's ReceiverAudioSubscription). */
export interface ReceiverAudioSubscription {
  colibriClass: 'ReceiverAudioSubscription';
  mode: AudioSubscriptionMode;
  /** Source names, for Include and Exclude. */
  list?: string[];
  [extra: string]: unknown;
}
export type AudioSubscriptionMode = 'All' | 'None' | 'Include' | 'Exclude';
export const AUDIO_SUBSCRIPTION_MODES: readonly AudioSubscriptionMode[] = ['All', 'None', 'Include', 'Exclude'];

/**
 * A well-formed message of a class Parley does not know. Clients send classes of their own (and
 * lib-jitsi-meet forwards any class to the application), so a receiver counts these quietly
 * instead of warning about each one.
 */
export class UnknownColibriClassError extends ProtocolError {
  constructor(readonly colibriClass: string) {
    super(`bridge channel: unknown colibriClass '${colibriClass}'`, 'feature-not-implemented');
    this.name = 'UnknownColibriClassError';
  }
}

export type BridgeChannelMessage =
  | ServerHello
  | ClientHello
  | EndpointMessage
  | ReceiverVideoConstraints
  | ForwardedSources
  | DominantSpeakerEndpointChangeEvent
  | EndpointStats
  | SenderSourceConstraints
  | EndpointConnectivityStatusChangeEvent
  | SourceVideoTypeMessage
  | LastNChangedEvent
  | ReceiverAudioSubscription;

export type ColibriClass = BridgeChannelMessage['colibriClass'];

export const COLIBRI_CLASSES: readonly ColibriClass[] = [
  'ServerHello',
  'ClientHello',
  'EndpointMessage',
  'ReceiverVideoConstraints',
  'ForwardedSources',
  'DominantSpeakerEndpointChangeEvent',
  'EndpointStats',
  'SenderSourceConstraints',
  'EndpointConnectivityStatusChangeEvent',
  'SourceVideoTypeMessage',
  'LastNChangedEvent',
  'ReceiverAudioSubscription',
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(cls: string, field: string, expected: string): never {
  throw new ProtocolError(`bridge channel ${cls}: field '${field}' has wrong type (expected ${expected})`);
}
function str(m: Obj, cls: string, f: string, required: boolean): void {
  if (m[f] === undefined) {
    if (required) throw new ProtocolError(`bridge channel ${cls}: missing field '${f}'`);
    return;
  }
  if (typeof m[f] !== 'string') bad(cls, f, 'string');
}
function num(m: Obj, cls: string, f: string, required: boolean): void {
  if (m[f] === undefined) {
    if (required) throw new ProtocolError(`bridge channel ${cls}: missing field '${f}'`);
    return;
  }
  if (typeof m[f] !== 'number' || !Number.isFinite(m[f])) bad(cls, f, 'number');
}
function strArray(m: Obj, cls: string, f: string, required: boolean): void {
  if (m[f] === undefined) {
    if (required) throw new ProtocolError(`bridge channel ${cls}: missing field '${f}'`);
    return;
  }
  const v = m[f];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) bad(cls, f, 'array of strings');
}
function oneOfStrings(m: Obj, cls: string, f: string, allowed: readonly string[]): void {
  if (m[f] === undefined) throw new ProtocolError(`bridge channel ${cls}: missing field '${f}'`);
  if (typeof m[f] !== 'string' || !allowed.includes(m[f])) bad(cls, f, `one of ${allowed.join(', ')}`);
}
function constraints(v: unknown, cls: string, f: string): void {
  if (!isObj(v)) bad(cls, f, 'object');
  if (typeof v.maxHeight !== 'number' || !Number.isFinite(v.maxHeight)) bad(cls, `${f}.maxHeight`, 'number');
}

/** Validates a decoded message in place (and normalizes `active`), returning it typed. */
export function validateBridgeChannelMessage(v: unknown): BridgeChannelMessage {
  if (!isObj(v)) throw new ProtocolError('bridge channel: message is not a JSON object');
  const cls = v.colibriClass;
  if (cls === undefined) throw new ProtocolError('bridge channel: no colibriClass');
  if (typeof cls !== 'string') bad('message', 'colibriClass', 'string');
  switch (cls) {
    case 'ServerHello':
      str(v, cls, 'version', false);
      break;
    case 'ClientHello':
      break;
    case 'EndpointMessage':
      str(v, cls, 'from', false);
      str(v, cls, 'to', true);
      if (!('msgPayload' in v)) throw new ProtocolError(`bridge channel ${cls}: missing field 'msgPayload'`);
      break;
    case 'ReceiverVideoConstraints':
      num(v, cls, 'lastN', false);
      strArray(v, cls, 'selectedSources', false);
      strArray(v, cls, 'onStageSources', false);
      if (v.defaultConstraints !== undefined) constraints(v.defaultConstraints, cls, 'defaultConstraints');
      if (v.constraints !== undefined) {
        if (!isObj(v.constraints)) bad(cls, 'constraints', 'object');
        for (const [name, c] of Object.entries(v.constraints)) constraints(c, cls, `constraints.${name}`);
      }
      break;
    case 'ForwardedSources':
      strArray(v, cls, 'forwardedSources', true);
      break;
    case 'DominantSpeakerEndpointChangeEvent':
      str(v, cls, 'dominantSpeakerEndpoint', true);
      strArray(v, cls, 'previousSpeakers', false);
      break;
    case 'EndpointStats':
      str(v, cls, 'from', false);
      break;
    case 'SenderSourceConstraints':
      str(v, cls, 'sourceName', true);
      num(v, cls, 'maxHeight', true);
      break;
    case 'EndpointConnectivityStatusChangeEvent': {
      str(v, cls, 'endpoint', true);
      const a = v.active;
      if (a === 'true' || a === true) v.active = true;
      else if (a === 'false' || a === false) v.active = false;
      else if (a === undefined) throw new ProtocolError(`bridge channel ${cls}: missing field 'active'`);
      else bad(cls, 'active', 'boolean or "true"/"false"');
      break;
    }
    case 'SourceVideoTypeMessage':
      str(v, cls, 'sourceName', true);
      oneOfStrings(v, cls, 'videoType', BRIDGE_VIDEO_TYPES);
      break;
    case 'LastNChangedEvent':
      num(v, cls, 'lastN', true);
      break;
    case 'ReceiverAudioSubscription':
      oneOfStrings(v, cls, 'mode', AUDIO_SUBSCRIPTION_MODES);
      strArray(v, cls, 'list', false);
      break;
    default:
      throw new UnknownColibriClassError(cls);
  }
  return v as BridgeChannelMessage;
}

/** Parses and validates one message; throws ProtocolError naming the problem. */
export function parseBridgeChannelMessage(text: string): BridgeChannelMessage {
  if (typeof text !== 'string') throw new ProtocolError('bridge channel: message is not text');
  checkSize(text);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ProtocolError(`bridge channel: not JSON (${(e as Error).message})`);
  }
  return validateBridgeChannelMessage(v);
}

/** Serializes a message; validates it and enforces the size limit so we never send what we would reject. */
export function encodeBridgeChannelMessage(m: BridgeChannelMessage): string {
  const copy: Obj = { ...m };
  validateBridgeChannelMessage(copy);
  if (copy.colibriClass === 'EndpointConnectivityStatusChangeEvent') copy.active = String(copy.active);
  const text = JSON.stringify(copy);
  checkSize(text);
  return text;
}
