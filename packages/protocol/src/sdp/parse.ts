// A small generic SDP model (RFC 8866): ordered <type>=<value> lines, split into the session part and
// one section per m= line. Attribute helpers look lines up by name; writeSdp() turns it back into text.
import { ProtocolError } from '../errors/protocol-error.js';

export interface SdpLine {
  type: string;
  value: string;
}

export interface SdpMediaSection {
  /** "audio", "video", "application", ... */
  kind: string;
  port: number;
  portCount?: number;
  protocol: string;
  formats: string[];
  /** Every line after the m= line, up to the next m= line. */
  lines: SdpLine[];
}

export interface SessionDescription {
  /** Session-level lines, v= first. */
  lines: SdpLine[];
  media: SdpMediaSection[];
}

function parseMLine(value: string, lineNo: number): SdpMediaSection {
  const parts = value.trim().split(/\s+/);
  const [kind, portText, protocol, ...formats] = parts;
  if (!kind) throw new ProtocolError(`SDP line ${lineNo}: m= line has no media type`);
  if (portText === undefined) throw new ProtocolError(`SDP line ${lineNo}: m= line has no port`);
  const m = /^([0-9]+)(?:\/([0-9]+))?$/.exec(portText);
  if (!m) throw new ProtocolError(`SDP line ${lineNo}: m= line port '${portText}' is not a number`);
  const port = Number(m[1]);
  if (port > 65535) throw new ProtocolError(`SDP line ${lineNo}: m= line port ${port} is out of range`);
  if (protocol === undefined) throw new ProtocolError(`SDP line ${lineNo}: m= line has no protocol`);
  const section: SdpMediaSection = { kind, port, protocol, formats, lines: [] };
  if (m[2] !== undefined) section.portCount = Number(m[2]);
  return section;
}

/** Parses SDP text (CRLF or LF); throws ProtocolError "SDP line N: ..." on malformed input. */
export function parseSdp(text: string): SessionDescription {
  if (typeof text !== 'string' || text.trim() === '') throw new ProtocolError('SDP is empty');
  const raw = text.split(/\r?\n/);
  const sdp: SessionDescription = { lines: [], media: [] };
  let current: SdpMediaSection | undefined;
  let seen = 0;
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!.replace(/\r$/, '');
    const lineNo = i + 1;
    if (line.trim() === '') continue;
    const match = /^([a-z])=(.*)$/.exec(line);
    if (!match) throw new ProtocolError(`SDP line ${lineNo}: '${line.slice(0, 40)}' is not a <type>=<value> line`);
    const type = match[1]!;
    const value = match[2]!;
    if (seen++ === 0 && (type !== 'v' || value.trim() !== '0')) {
      throw new ProtocolError(`SDP line ${lineNo}: SDP must start with v=0`);
    }
    if (type === 'm') {
      current = parseMLine(value, lineNo);
      sdp.media.push(current);
    } else if (current) current.lines.push({ type, value });
    else sdp.lines.push({ type, value });
  }
  return sdp;
}

/** Values of `a=<name>:<value>` (or flag `a=<name>`, value '') lines, in order. */
export function sdpAttributes(lines: readonly SdpLine[], name: string): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l.type !== 'a') continue;
    if (l.value === name) out.push('');
    else if (l.value.startsWith(`${name}:`)) out.push(l.value.slice(name.length + 1));
  }
  return out;
}

export function sdpAttribute(lines: readonly SdpLine[], name: string): string | undefined {
  return sdpAttributes(lines, name)[0];
}

export function hasSdpAttribute(lines: readonly SdpLine[], name: string): boolean {
  return sdpAttributes(lines, name).length > 0;
}

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** The media section's direction attribute, falling back to the session's, then sendrecv. */
export function sdpDirection(section: SdpMediaSection, session?: SessionDescription): SdpDirection {
  for (const lines of [section.lines, session?.lines ?? []]) {
    for (const l of lines) {
      if (
        l.type === 'a' &&
        (l.value === 'sendrecv' || l.value === 'sendonly' || l.value === 'recvonly' || l.value === 'inactive')
      ) {
        return l.value;
      }
    }
  }
  return 'sendrecv';
}
