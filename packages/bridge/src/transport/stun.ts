// Pure STUN codec (RFC 5389 / RFC 8489) with the ICE attributes (RFC 8445). No I/O.
// Only what an ICE-lite agent needs: decode requests, verify MESSAGE-INTEGRITY (HMAC-SHA1 with the
// short-term password) and FINGERPRINT, encode answers with XOR-MAPPED-ADDRESS, MI and FINGERPRINT.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;
export const BINDING = 0x001;
const FINGERPRINT_XOR = 0x5354554e;

export const ATTR = {
  MAPPED_ADDRESS: 0x0001,
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  XOR_MAPPED_ADDRESS: 0x0020,
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  SOFTWARE: 0x8022,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
} as const;

export type StunClass = 'request' | 'indication' | 'success' | 'error';
const CLASS_BITS: Record<StunClass, number> = { request: 0x000, indication: 0x010, success: 0x100, error: 0x110 };

export interface StunAttribute {
  type: number;
  value: Buffer;
  /** Offset of the attribute header inside the message (needed for MI / FINGERPRINT checks). */
  offset: number;
}

export interface StunMessage {
  method: number;
  cls: StunClass;
  transactionId: Buffer;
  attributes: StunAttribute[];
  raw: Buffer;
}

/** Cheap test: could this datagram be STUN (RFC 7983 demux: first byte 0..3 + magic cookie)? */
export function looksLikeStun(buf: Buffer): boolean {
  return buf.length >= HEADER_LENGTH && buf[0] < 4 && buf.readUInt32BE(4) === MAGIC_COOKIE;
}

/** Decode a STUN message; returns null for anything malformed. Never throws. */
export function decodeStun(buf: Buffer): StunMessage | null {
  if (!looksLikeStun(buf)) return null;
  const type = buf.readUInt16BE(0);
  const length = buf.readUInt16BE(2);
  if (length % 4 !== 0 || HEADER_LENGTH + length !== buf.length) return null;
  const classBits = type & 0x110;
  const cls = (Object.keys(CLASS_BITS) as StunClass[]).find((c) => CLASS_BITS[c] === classBits)!;
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const attributes: StunAttribute[] = [];
  let pos = HEADER_LENGTH;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) return null;
    const attrType = buf.readUInt16BE(pos);
    const attrLen = buf.readUInt16BE(pos + 2);
    const padded = (attrLen + 3) & ~3;
    if (pos + 4 + padded > buf.length) return null;
    attributes.push({ type: attrType, value: buf.subarray(pos + 4, pos + 4 + attrLen), offset: pos });
    pos += 4 + padded;
  }
  return { method, cls, transactionId: buf.subarray(8, 20), attributes, raw: buf };
}

export function getAttribute(msg: StunMessage, type: number): Buffer | undefined {
  // Attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) must be ignored (RFC 8489 14.5).
  for (const a of msg.attributes) {
    if (a.type === type) return a.value;
    if (a.type === ATTR.MESSAGE_INTEGRITY && type !== ATTR.FINGERPRINT) return undefined;
  }
  return undefined;
}

function withLength(raw: Buffer, end: number, declaredLength: number): Buffer {
  const copy = Buffer.from(raw.subarray(0, end));
  copy.writeUInt16BE(declaredLength, 2);
  return copy;
}

/** HMAC-SHA1 over the message up to MESSAGE-INTEGRITY, with the length field covering MI. */
export function verifyIntegrity(msg: StunMessage, key: Buffer | string): boolean {
  const mi = msg.attributes.find((a) => a.type === ATTR.MESSAGE_INTEGRITY);
  if (!mi || mi.value.length !== 20) return false;
  const input = withLength(msg.raw, mi.offset, mi.offset + 24 - HEADER_LENGTH);
  const expected = createHmac('sha1', key).update(input).digest();
  return timingSafeEqual(expected, mi.value);
}

/** True when FINGERPRINT is present, last, and correct. */
export function verifyFingerprint(msg: StunMessage): boolean {
  const last = msg.attributes[msg.attributes.length - 1];
  if (!last || last.type !== ATTR.FINGERPRINT || last.value.length !== 4) return false;
  const input = withLength(msg.raw, last.offset, last.offset + 8 - HEADER_LENGTH);
  return (crc32(input) ^ FINGERPRINT_XOR) >>> 0 === last.value.readUInt32BE(0);
}

export function hasFingerprint(msg: StunMessage): boolean {
  return msg.attributes.some((a) => a.type === ATTR.FINGERPRINT);
}

export interface EncodeOptions {
  method: number;
  cls: StunClass;
  transactionId: Buffer;
  attributes: Array<{ type: number; value: Buffer }>;
  /** Short-term credential: the password (RFC 8489 9.1). Adds MESSAGE-INTEGRITY. */
  integrityKey?: Buffer | string;
  fingerprint?: boolean;
}

export function encodeStun(o: EncodeOptions): Buffer {
  if (o.transactionId.length !== 12) throw new Error('transaction id must be 12 bytes');
  const type = (o.method & 0x000f) | ((o.method & 0x0070) << 1) | ((o.method & 0x0f80) << 2) | CLASS_BITS[o.cls];
  const parts: Buffer[] = [];
  for (const a of o.attributes) parts.push(encodeAttribute(a.type, a.value));
  let body = Buffer.concat(parts);
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  o.transactionId.copy(header, 8);
  if (o.integrityKey !== undefined) {
    header.writeUInt16BE(body.length + 24, 2);
    const mac = createHmac('sha1', o.integrityKey)
      .update(Buffer.concat([header, body]))
      .digest();
    body = Buffer.concat([body, encodeAttribute(ATTR.MESSAGE_INTEGRITY, mac)]);
  }
  if (o.fingerprint) {
    header.writeUInt16BE(body.length + 8, 2);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE((crc32(Buffer.concat([header, body])) ^ FINGERPRINT_XOR) >>> 0, 0);
    body = Buffer.concat([body, encodeAttribute(ATTR.FINGERPRINT, crc)]);
  }
  header.writeUInt16BE(body.length, 2);
  return Buffer.concat([header, body]);
}

function encodeAttribute(type: number, value: Buffer): Buffer {
  const out = Buffer.alloc(4 + ((value.length + 3) & ~3));
  out.writeUInt16BE(type, 0);
  out.writeUInt16BE(value.length, 2);
  value.copy(out, 4);
  return out;
}

export interface TransportAddress {
  ip: string;
  port: number;
}

export function encodeXorAddress(addr: TransportAddress, transactionId: Buffer): Buffer {
  const xorKey = Buffer.alloc(16);
  xorKey.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(xorKey, 4);
  let ipBytes: Buffer;
  if (isIPv4(addr.ip)) ipBytes = Buffer.from(addr.ip.split('.').map(Number));
  else if (isIPv6(addr.ip)) ipBytes = ipv6Bytes(addr.ip);
  else throw new Error(`not an IP address: ${addr.ip}`);
  const out = Buffer.alloc(4 + ipBytes.length);
  out[1] = ipBytes.length === 4 ? 0x01 : 0x02;
  out.writeUInt16BE((addr.port ^ (MAGIC_COOKIE >>> 16)) & 0xffff, 2);
  for (let i = 0; i < ipBytes.length; i++) out[4 + i] = ipBytes[i] ^ xorKey[i];
  return out;
}

export function decodeXorAddress(value: Buffer, transactionId: Buffer): TransportAddress | null {
  if (value.length < 8) return null;
  const family = value[1];
  const len = family === 0x01 ? 4 : family === 0x02 ? 16 : 0;
  if (!len || value.length !== 4 + len) return null;
  const xorKey = Buffer.alloc(16);
  xorKey.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(xorKey, 4);
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const bytes = Buffer.alloc(len);
  for (let i = 0; i < len; i++) bytes[i] = value[4 + i] ^ xorKey[i];
  if (len === 4) return { ip: Array.from(bytes).join('.'), port };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return { ip: groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::'), port };
}

function ipv6Bytes(ip: string): Buffer {
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export function encodeErrorCode(code: number, reason: string): Buffer {
  const text = Buffer.from(reason, 'utf8');
  const out = Buffer.alloc(4 + text.length);
  out[2] = Math.floor(code / 100);
  out[3] = code % 100;
  text.copy(out, 4);
  return out;
}

export function decodeErrorCode(value: Buffer): { code: number; reason: string } | null {
  if (value.length < 4) return null;
  return { code: (value[2] & 0x7) * 100 + value[3], reason: value.subarray(4).toString('utf8') };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
