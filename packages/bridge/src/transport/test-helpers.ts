// Test-only helpers (imported by *.test.ts only; not exported from index.ts): the offer a focus would
// build from the bridge's transport, parsing a browser's answer, a loopback STUN server, a dgram spy.
import dgram from 'node:dgram';
import type { IceCandidate, IceTransport } from '@parley/protocol';
import type { LocalIceTransport } from './endpoint-transport.js';
import { ATTR, BINDING, decodeStun, encodeStun, encodeXorAddress } from './stun.js';
import { MediaPort, type MediaPortOptions } from './media-port.js';

export function buildOffer(local: LocalIceTransport, opts: { udp?: boolean; tcp?: boolean } = {}): string {
  const fp = local.fingerprints[0];
  const cands = local.candidates
    .filter((c) => (c.protocol === 'udp' ? opts.udp !== false : opts.tcp === true))
    .map(
      (c) =>
        `a=candidate:${c.foundation} ${c.component} ${c.protocol} ${c.priority} ${c.ip} ${c.port} typ ${c.type}` +
        (c.tcptype ? ` tcptype ${c.tcptype}` : ''),
    );
  const transport = [
    `a=ice-ufrag:${local.ufrag}`,
    `a=ice-pwd:${local.pwd}`,
    `a=fingerprint:${fp.hash} ${fp.value}`,
    'a=setup:actpass',
  ];
  return [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=ice-lite',
    'a=msid-semantic: WMS',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    ...transport,
    'a=mid:0',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    ...cands,
    'a=end-of-candidates',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    ...transport,
    'a=mid:1',
    `a=sctp-port:${local.sctpPort}`,
    'a=max-message-size:262144',
    '',
  ].join('\r\n');
}

/** The first m-line's transport of an SDP answer, as the focus would hand it to the bridge. */
export function parseAnswerTransport(sdp: string): IceTransport {
  const lines = sdp.split(/\r?\n/);
  const get = (prefix: string) =>
    lines
      .find((l) => l.startsWith(prefix))
      ?.slice(prefix.length)
      .trim();
  const [hash, value] = (get('a=fingerprint:') ?? '').split(' ');
  const candidates: IceCandidate[] = lines
    .filter((l) => l.startsWith('a=candidate:'))
    .map((l) => {
      const p = l.slice('a=candidate:'.length).split(' ');
      return {
        foundation: p[0],
        component: Number(p[1]),
        protocol: p[2].toLowerCase() as 'udp' | 'tcp',
        priority: Number(p[3]),
        ip: p[4],
        port: Number(p[5]),
        type: p[7] as IceCandidate['type'],
      };
    });
  const setup = get('a=setup:') as 'active' | 'passive' | 'actpass';
  return {
    ufrag: get('a=ice-ufrag:')!,
    pwd: get('a=ice-pwd:')!,
    rtcpMux: true,
    candidates,
    fingerprints: [{ hash, value, setup }],
    sctpPort: Number(get('a=sctp-port:') ?? 5000),
  };
}

/** A STUN server on 127.0.0.1 so werift's gathering never falls back to stun.l.google.com. */
export async function startLoopbackStun(): Promise<{
  port: number;
  queries: () => number;
  close: () => Promise<void>;
}> {
  const sock = dgram.createSocket('udp4');
  let queries = 0;
  sock.on('message', (buf, rinfo) => {
    const msg = decodeStun(buf);
    if (!msg || msg.cls !== 'request' || msg.method !== BINDING) return;
    queries++;
    sock.send(
      encodeStun({
        method: BINDING,
        cls: 'success',
        transactionId: msg.transactionId,
        fingerprint: true,
        attributes: [
          {
            type: ATTR.XOR_MAPPED_ADDRESS,
            value: encodeXorAddress({ ip: rinfo.address, port: rinfo.port }, msg.transactionId),
          },
        ],
      }),
      rinfo.port,
      rinfo.address,
    );
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, queries: () => queries, close: () => new Promise((r) => sock.close(() => r())) };
}

/** Records the destination of every datagram any dgram socket in this process sends. */
export function spyOnDatagrams(): { destinations: Set<string>; restore: () => void } {
  const destinations = new Set<string>();
  const proto = dgram.Socket.prototype as unknown as { send: (...args: unknown[]) => void };
  const original = proto.send;
  proto.send = function (this: dgram.Socket, ...args: unknown[]) {
    const address = args.slice(1).find((a) => typeof a === 'string');
    destinations.add(typeof address === 'string' ? address : '(connected/default)');
    return original.apply(this, args);
  };
  return {
    destinations,
    restore: () => {
      proto.send = original;
    },
  };
}

export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A media port on loopback (UDP and ICE-TCP on free ports) that takes packets only from 127.0.0.1. */
export function openLoopbackPort(extra: Partial<MediaPortOptions> = {}): Promise<MediaPort> {
  return MediaPort.open({
    udpPort: 0,
    tcpPort: 0,
    bindAddress: '127.0.0.1',
    advertise: ['127.0.0.1'],
    allowRemote: (ip) => ip === '127.0.0.1',
    ...extra,
  });
}
