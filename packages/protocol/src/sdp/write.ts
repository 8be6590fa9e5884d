// SessionDescription -> SDP text with CRLF line endings.
import type { SdpMediaSection, SessionDescription } from './parse.js';

export function mLineValue(m: SdpMediaSection): string {
  const port = m.portCount !== undefined ? `${m.port}/${m.portCount}` : String(m.port);
  return [m.kind, port, m.protocol, ...m.formats].join(' ');
}

export function writeSdp(sdp: SessionDescription): string {
  const out: string[] = [];
  for (const l of sdp.lines) out.push(`${l.type}=${l.value}`);
  for (const m of sdp.media) {
    out.push(`m=${mLineValue(m)}`);
    for (const l of m.lines) out.push(`${l.type}=${l.value}`);
  }
  return `${out.join('\r\n')}\r\n`;
}
