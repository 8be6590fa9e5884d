// Pure helpers for `parley doctor`: address classification, certificate SAN coverage, scanning
// config text for addresses that are not this deployment's, STUN and WebSocket framing.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { plainAddress } from '@parley/service';

/** Canonical text of an IP address (IPv6 compressed, lower case, no brackets or zone), or undefined. */
export function canonicalIp(ip: string): string | undefined {
  let s = ip
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  s = plainAddress(s);
  const v = isIP(s);
  if (v === 4)
    return s
      .split('.')
      .map((n) => String(Number(n)))
      .join('.');
  if (v === 6) return new URL(`http://[${s}]/`).hostname.replace(/^\[|\]$/g, '');
  return undefined;
}

function v4(ip: string): number[] | undefined {
  return isIP(ip) === 4 ? ip.split('.').map(Number) : undefined;
}

export function isLoopback(ip: string): boolean {
  const c = canonicalIp(ip);
  if (!c) return false;
  const a = v4(c);
  return a ? a[0] === 127 : c === '::1';
}

export function isUnspecified(ip: string): boolean {
  const c = canonicalIp(ip);
  return c === '0.0.0.0' || c === '::';
}

/** RFC 1918, CGNAT (RFC 6598), link-local, IPv6 ULA and link-local. */
export function isPrivate(ip: string): boolean {
  const c = canonicalIp(ip);
  if (!c) return false;
  const a = v4(c);
  if (a)
    return (
      a[0] === 10 ||
      (a[0] === 172 && a[1] >= 16 && a[1] <= 31) ||
      (a[0] === 192 && a[1] === 168) ||
      (a[0] === 100 && a[1] >= 64 && a[1] <= 127) ||
      (a[0] === 169 && a[1] === 254)
    );
  return /^f[cd][0-9a-f]{0,2}:/.test(c) || /^fe[89ab][0-9a-f]?:/.test(c);
}

export type AddressClass = 'loopback' | 'unspecified' | 'local' | 'configured' | 'private-unknown' | 'public';

export interface AddressContext {
  /** Every address of this machine's interfaces (loopback included). */
  local: string[];
  /** Private addresses the operator gave through flags (--advertise, --bind, --web-bind). */
  configured: string[];
}

/** Where an IP address is relative to this machine and what the operator configured. */
export function classifyAddress(ip: string, ctx: AddressContext): AddressClass {
  const c = canonicalIp(ip) ?? ip;
  if (isUnspecified(c)) return 'unspecified';
  if (isLoopback(c)) return 'loopback';
  if (ctx.local.some((l) => canonicalIp(l) === c)) return 'local';
  if (isPrivate(c) && ctx.configured.some((l) => canonicalIp(l) === c)) return 'configured';
  return isPrivate(c) ? 'private-unknown' : 'public';
}

/** True for an address of this machine (loopback included). */
export function isLocalAddress(ip: string, local: string[]): boolean {
  const k = classifyAddress(ip, { local, configured: [] });
  return k === 'loopback' || k === 'local';
}

/** The addresses the web app is reachable at: every local address when it binds all interfaces. */
export function webAddresses(webBind: string, local: { address: string; internal: boolean }[]): string[] {
  if (!isUnspecified(webBind)) return [canonicalIp(webBind) ?? webBind];
  const out = local
    .filter((a) => !a.internal && !/^fe80:/i.test(a.address))
    .map((a) => canonicalIp(a.address) ?? a.address);
  return [...new Set([...out, '127.0.0.1'])];
}

/** `X509Certificate.subjectAltName` ("DNS:a, IP Address:1.2.3.4") as lists. */
export function parseSubjectAltName(san: string | undefined): { dns: string[]; ips: string[] } {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const part of (san ?? '').split(/,\s*/)) {
    const m = /^(DNS|IP Address):(.+)$/.exec(part.trim());
    if (!m) continue;
    if (m[1] === 'DNS') dns.push(m[2].toLowerCase());
    else ips.push(canonicalIp(m[2]) ?? m[2]);
  }
  return { dns, ips };
}

/** The names and addresses in `need` that the certificate's SANs do not cover (no wildcards). */
export function uncoveredNames(
  sans: { dns: string[]; ips: string[] },
  need: { dns: string[]; ips: string[] },
): string[] {
  const missing: string[] = [];
  for (const d of need.dns) if (!sans.dns.includes(d.toLowerCase())) missing.push(d.toLowerCase());
  for (const ip of need.ips) {
    const c = canonicalIp(ip) ?? ip;
    if (!sans.ips.includes(c)) missing.push(c);
  }
  return missing;
}

export interface HostContext extends AddressContext {
  /** The XMPP domain: it and its subdomains are the deployment's names. */
  domain: string;
  /** This machine's host name. */
  hostname: string;
}

export interface Finding {
  value: string;
  file: string;
  why: string;
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z][a-z0-9-]*[a-z0-9]$/i;
// Names that look like hosts in config text but are file names.
const FILE_EXT = /\.(lua|pid|log|pem|key|crt|js|mjs|json|dat|txt|html|css|svg|png|sock|cfg)$/i;

/** Why `host` (a name or an IP) is not this deployment's, or undefined when it is. */
export function foreignHost(host: string, ctx: HostContext): string | undefined {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (!h) return undefined;
  if (isIP(h.replace(/%.*$/, ''))) {
    const k = classifyAddress(h, ctx);
    if (k === 'public') return 'a public address: nothing outside the private network is reachable or wanted';
    if (k === 'private-unknown')
      return 'not an address of this machine, and not one given with --advertise/--bind/--web-bind';
    return undefined;
  }
  const domain = ctx.domain.toLowerCase();
  if (h === 'localhost' || h === domain || h.endsWith(`.${domain}`) || h === ctx.hostname.toLowerCase())
    return undefined;
  return `an outside host name (not ${domain}, its subdomains, localhost or this machine's name ${ctx.hostname})`;
}

/**
 * Every address or host name in `text` that is not this deployment's: URLs (http, ws, stun:, turn:
 * ...), IPv4 literals, and quoted strings that are a host name, an IP or a JID.
 */
export function scanForForeignHosts(text: string, file: string, ctx: HostContext): Finding[] {
  const hosts = new Set<string>();
  for (const m of text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/(\[[^\]]+\]|[^\s"'`<>/:?#,;)\]]+)/gi)) hosts.add(m[1]);
  for (const m of text.matchAll(/\b(?:stuns?|turns?):(?!\/\/)(\[[^\]]+\]|[^\s"'`<>/:?#,;)\]]+)/gi)) hosts.add(m[1]);
  for (const m of text.matchAll(/(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])/g)) if (isIP(m[1]) === 4) hosts.add(m[1]);
  for (const m of text.matchAll(/(["'])([^"'\s]{1,300})\1/g)) {
    let v = m[2];
    if (v.includes('://') || v.includes('/')) continue;
    v = v.slice(v.lastIndexOf('@') + 1);
    if (isIP(v.replace(/^\[|\]$/g, ''))) hosts.add(v);
    else if (HOSTNAME.test(v) && !FILE_EXT.test(v)) hosts.add(v);
  }
  const out: Finding[] = [];
  for (const h of hosts) {
    const why = foreignHost(h, ctx);
    if (why) out.push({ value: h, file, why });
  }
  // A STUN/TURN server anywhere is named as such, even when it would be local.
  for (const m of text.matchAll(/\b(stuns?|turns?):(?!\/\/)[^\s"'`<>,;)\]]+/gi)) {
    const host = /^[a-z]+:(\[[^\]]+\]|[^:?]+)/i.exec(m[0])?.[1] ?? '';
    if (foreignHost(host, ctx)) {
      const f = out.find((x) => x.value === host);
      if (f) f.why = `a STUN/TURN server (${m[0]}) outside this machine: browsers and the bridge would try to reach it`;
    }
  }
  return out;
}

/** A STUN Binding request carrying only USERNAME (RFC 5389): the bridge counts it, then drops it. */
export function stunBindingRequest(username: string, transactionId: Buffer = randomBytes(12)): Buffer {
  const u = Buffer.from(username, 'utf8');
  const pad = (4 - (u.length % 4)) % 4;
  const b = Buffer.alloc(20 + 4 + u.length + pad);
  b.writeUInt16BE(0x0001, 0);
  b.writeUInt16BE(4 + u.length + pad, 2);
  b.writeUInt32BE(0x2112a442, 4);
  transactionId.copy(b, 8);
  b.writeUInt16BE(0x0006, 20);
  b.writeUInt16BE(u.length, 22);
  u.copy(b, 24);
  return b;
}

/** The value of `parley_bridge_dropped_packets_total{reason="<reason>"}` in a Prometheus text page (0 when absent). */
export function droppedCount(metrics: string, reason: string): number {
  let n = 0;
  for (const line of metrics.split('\n')) {
    const m = /^parley_bridge_dropped_packets_total\{([^}]*)\}\s+(\S+)/.exec(line);
    if (m && m[1].split(',').some((kv) => kv.trim() === `reason="${reason}"`)) n += Number(m[2]) || 0;
  }
  return n;
}

/** One masked client text frame (RFC 6455 5.2/5.3). */
export function maskedTextFrame(text: string, mask: Buffer = randomBytes(4)): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const len = payload.length;
  let header: Buffer;
  if (len < 126) header = Buffer.from([0x81, 0x80 | len]);
  else if (len < 65536) header = Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff]);
  else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  const masked = Buffer.alloc(len);
  for (let i = 0; i < len; i++) masked[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([header, mask, masked]);
}

/** Takes the complete frames off the front of `buf`; returns them and what is left. */
export function parseFrames(buf: Buffer): { frames: { opcode: number; payload: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let b = buf;
  for (;;) {
    if (b.length < 2) break;
    let len = b[1] & 0x7f;
    let off = 2;
    if (len === 126) {
      if (b.length < 4) break;
      len = b.readUInt16BE(2);
      off = 4;
    } else if (len === 127) {
      if (b.length < 10) break;
      len = Number(b.readBigUInt64BE(2));
      off = 10;
    }
    const masked = (b[1] & 0x80) !== 0;
    const key = masked ? b.subarray(off, off + 4) : undefined;
    if (masked) off += 4;
    if (b.length < off + len) break;
    const payload = Buffer.from(b.subarray(off, off + len));
    if (key) for (let i = 0; i < len; i++) payload[i] ^= key[i % 4];
    frames.push({ opcode: b[0] & 0x0f, payload });
    b = b.subarray(off + len);
  }
  return { frames, rest: b };
}
