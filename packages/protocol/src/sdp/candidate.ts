// ICE candidate attribute (RFC 8839 section 5.1) <-> IceCandidate.
import { ProtocolError } from '../errors/protocol-error.js';
import type { IceCandidate } from '../jingle/model.js';

function uint(value: string | undefined, what: string, max = 0xffffffff): number {
  if (value === undefined) throw new ProtocolError(`candidate has no ${what}`);
  if (!/^[0-9]+$/.test(value) || Number(value) > max)
    throw new ProtocolError(`candidate ${what} '${value}' is not a number`);
  return Number(value);
}

/** Parses "a=candidate:...", "candidate:..." or the bare attribute value. */
export function candidateFromSdp(line: string): IceCandidate {
  let v = line.trim();
  if (v.startsWith('a=')) v = v.slice(2);
  if (v.startsWith('candidate:')) v = v.slice('candidate:'.length);
  const parts = v.split(/\s+/);
  if (parts.length < 8) throw new ProtocolError(`candidate '${v.slice(0, 60)}' has too few fields`);
  const [foundation, component, protocol, priority, ip, port, typ, type, ...rest] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    ...string[],
  ];
  if (typ !== 'typ') throw new ProtocolError(`candidate '${v.slice(0, 60)}' has no 'typ'`);
  const proto = protocol.toLowerCase();
  if (proto !== 'udp' && proto !== 'tcp') throw new ProtocolError(`candidate protocol '${protocol}' is not udp or tcp`);
  if (type !== 'host' && type !== 'srflx' && type !== 'prflx' && type !== 'relay') {
    throw new ProtocolError(`candidate type '${type}' is not host, srflx, prflx or relay`);
  }
  if (!ip) throw new ProtocolError('candidate has no ip');
  const c: IceCandidate = {
    foundation,
    component: uint(component, 'component', 256),
    protocol: proto,
    priority: uint(priority, 'priority'),
    ip,
    port: uint(port, 'port', 65535),
    type,
  };
  for (let i = 0; i + 1 < rest.length; i += 2) {
    const key = rest[i]!;
    const val = rest[i + 1]!;
    switch (key) {
      case 'raddr':
        c.relAddr = val;
        break;
      case 'rport':
        c.relPort = uint(val, 'rport', 65535);
        break;
      case 'generation':
        c.generation = uint(val, 'generation');
        break;
      case 'network-id':
        c.network = uint(val, 'network-id');
        break;
      case 'tcptype':
        if (val !== 'active' && val !== 'passive' && val !== 'so')
          throw new ProtocolError(`candidate tcptype '${val}' is not active, passive or so`);
        c.tcptype = val;
        break;
      default:
        break; // ufrag, network-cost and other extensions are not carried in Jingle
    }
  }
  return c;
}

/** Renders the attribute value "candidate:..." (no "a=" prefix). The Jingle candidate id has no SDP form. */
export function candidateToSdp(c: IceCandidate): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.protocol} ${c.priority} ${c.ip} ${c.port} typ ${c.type}`;
  if (c.relAddr !== undefined) s += ` raddr ${c.relAddr}`;
  if (c.relPort !== undefined) s += ` rport ${c.relPort}`;
  if (c.tcptype !== undefined) s += ` tcptype ${c.tcptype}`;
  if (c.generation !== undefined) s += ` generation ${c.generation}`;
  if (c.network !== undefined) s += ` network-id ${c.network}`;
  return s;
}

/** mDNS host candidates (RFC draft-ietf-mmusic-mdns-ice-candidates): the bridge never resolves them. */
export function isMdnsCandidate(c: IceCandidate): boolean {
  return c.ip.toLowerCase().endsWith('.local');
}
