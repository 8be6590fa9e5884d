// The bridge's one UDP port (and one ICE-TCP port) shared by every endpoint. ICE-lite (RFC 8445 2.5):
// answer Binding requests routed by USERNAME's local part after MESSAGE-INTEGRITY verifies, learn the
// peer's path from them, route every other packet by that learned path. Drop and count the rest.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket as TcpSocket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { IceCandidate } from '@parley/protocol';
import { EndpointTransport, type PeerPath, type PortLink, type TransportOptions } from './endpoint-transport.js';
import {
  ATTR,
  BINDING,
  decodeStun,
  encodeErrorCode,
  encodeStun,
  encodeXorAddress,
  getAttribute,
  hasFingerprint,
  looksLikeStun,
  verifyFingerprint,
  verifyIntegrity,
} from './stun.js';
import { createCertificate, type DtlsCertificate, type SrtpProfileName } from './werift-session.js';
import { TcpFramer } from './tcp-framing.js';
import { udpSocketDrops } from './socket-drops.js';
import { plainAddress } from '@parley/service';
import { TcpAdmission, tcpAdmissionLimits, type TcpAdmissionLimits } from './tcp-admission.js';

export interface MediaPortOptions {
  /** UDP port for every endpoint (0: let the OS choose; read `udpPort` afterwards). */
  udpPort: number;
  /** ICE-TCP passive port (0: OS chooses); omitted or null: no ICE-TCP. */
  tcpPort?: number | null;
  /** Address to bind, default '0.0.0.0'. An IPv6 address binds udp6. */
  bindAddress?: string;
  /** Addresses put in host candidates, e.g. ['10.0.0.5'] (tests: ['127.0.0.1']). */
  advertise: string[];
  /** Accept packets/connections only from remote IPs for which this returns true (default: all). */
  allowRemote?: (ip: string) => boolean;
  /** No valid Binding request for this long after start(): 'failed' (RFC 7675 consent; default 30 s). */
  consentTimeoutMs?: number;
  /** SRTP profiles offered in DTLS use_srtp, in preference order. */
  srtpProfiles?: SrtpProfileName[];
  /** The bridge opens its own data channel if the peer opened none this long after DTLS (default 1000; null: never). */
  openChannelAfterMs?: number | null;
  /** Label of the channel the bridge opens itself (default 'default', as JVB did). */
  channelLabel?: string;
  /** Unauthenticated ICE-TCP connections are closed after this long without a valid first frame (default 5 s). */
  tcpAuthTimeoutMs?: number;
  /** Bounds on unauthenticated ICE-TCP connections, per remote address and in all (see tcp-admission.ts). */
  tcpUnauthenticated?: Partial<TcpAdmissionLimits>;
  /**
   * UDP receive buffer to ask for (default 4 MiB). The kernel's default (~208 KB) overflows during a
   * short event-loop stall at ten participants; Linux caps the request at net.core.rmem_max.
   */
  receiveBufferBytes?: number;
  /** UDP send buffer to ask for (default 1 MiB; capped at net.core.wmem_max). */
  sendBufferBytes?: number;
}

/** What a test's firewall drops at the media port. */
export interface PortFaults {
  /** Every UDP datagram, as a firewall that blocks UDP would: browsers must reach the bridge over ICE-TCP. */
  blockUdp: boolean;
  /** Every ICE-TCP connection (with blockUdp: no media path at all). */
  blockTcp: boolean;
  /**
   * The UDP datagrams from the remote addresses for which this returns true, as a firewall that blocks
   * UDP from some hosts would (e.g. every browser but not the TURN relay). null: none.
   */
  blockUdpFrom: ((ip: string, port: number) => boolean) | null;
  /**
   * Everything to and from these endpoints (STUN, DTLS, media, over UDP and ICE-TCP, whatever ufrag or
   * address they use), as a participant whose network dropped would look (ICE restart tests). null: none.
   */
  blockEndpoint: ((endpointId: string) => boolean) | null;
  /**
   * DTLS records from these transports (ICE and everything else still pass): a handshake that never
   * completes while ICE is connected, as CI once saw (session restart tests). null: none.
   */
  dropDtlsOf: ((t: EndpointTransport) => boolean) | null;
}

export const DEFAULT_UDP_RECEIVE_BUFFER = 4 * 1024 * 1024;
export const DEFAULT_UDP_SEND_BUFFER = 1024 * 1024;

export const DEFAULT_TCP_AUTH_TIMEOUT_MS = 5000;

const ICE_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function iceString(n: number): string {
  return Array.from(randomBytes(n), (b) => ICE_CHARS[b % ICE_CHARS.length]).join('');
}
const MAX_PATHS_PER_TRANSPORT = 8;

export class MediaPort {
  readonly counters: Record<string, number> = {};
  /**
   * Fault injection for tests (and for trying the ICE-TCP fallback on a live stack): a firewall in
   * front of this port. Nothing in production sets it.
   */
  readonly faultsForTest: PortFaults = {
    blockUdp: false,
    blockTcp: false,
    blockUdpFrom: null,
    blockEndpoint: null,
    dropDtlsOf: null,
  };
  private readonly byUfrag = new Map<string, EndpointTransport>();
  private readonly byPath = new Map<string, EndpointTransport>();
  private readonly pathsOf = new Map<EndpointTransport, string[]>();
  private readonly tcpConns = new Map<string, TcpSocket>();
  private tcpSeq = 0;
  private readonly tcpAdmission: TcpAdmission<string>;
  private closed = false;
  private readonly link: PortLink;
  private readonly transportOptions: TransportOptions;
  /** Lent by lendSendBuffer() for the next send; replaced when a send had to keep it (see sendTo). */
  private sendBuffer = Buffer.allocUnsafeSlow(SEND_BUFFER_BYTES);

  private constructor(
    private readonly opts: MediaPortOptions,
    private readonly udp: UdpSocket,
    private readonly tcp: Server | undefined,
    readonly certificate: DtlsCertificate,
  ) {
    this.link = {
      certificate,
      sendTo: (path, buf) => this.sendTo(path, buf),
      lendSendBuffer: (bytes) => this.lendSendBuffer(bytes),
      release: (t) => this.release(t),
      renewCredentials: (t) => this.renewCredentials(t),
      count: (reason) => this.count(reason),
    };
    this.tcpAdmission = new TcpAdmission(tcpAdmissionLimits(opts.tcpUnauthenticated));
    this.transportOptions = {
      consentTimeoutMs: opts.consentTimeoutMs ?? 30_000,
      srtpProfiles: opts.srtpProfiles ?? ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'],
      openChannelAfterMs: opts.openChannelAfterMs === undefined ? 1000 : opts.openChannelAfterMs,
      channelLabel: opts.channelLabel ?? 'default',
    };
    udp.on('message', (buf, rinfo) => {
      try {
        this.onDatagram(buf, rinfo.address, rinfo.port);
      } catch {
        this.count('handler-error');
      }
    });
    udp.on('error', () => this.count('udp-error'));
    tcp?.on('connection', (s) => {
      try {
        this.onTcpConnection(s);
      } catch {
        s.destroy();
      }
    });
    tcp?.on('error', () => this.count('tcp-error'));
  }

  static async open(opts: MediaPortOptions): Promise<MediaPort> {
    const bind = opts.bindAddress ?? '0.0.0.0';
    new TcpAdmission(tcpAdmissionLimits(opts.tcpUnauthenticated)); // bad limits throw before any socket opens
    const certificate = await createCertificate();
    const udp = createSocket({ type: isIPv6(bind) ? 'udp6' : 'udp4', lookup: literalAddress });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(opts.udpPort, bind, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    sizeBuffers(
      udp,
      opts.receiveBufferBytes ?? DEFAULT_UDP_RECEIVE_BUFFER,
      opts.sendBufferBytes ?? DEFAULT_UDP_SEND_BUFFER,
    );
    let tcp: Server | undefined;
    if (opts.tcpPort !== undefined && opts.tcpPort !== null) {
      const server = createServer();
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(opts.tcpPort!, bind, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        udp.close();
        throw e;
      }
      tcp = server;
    }
    return new MediaPort(opts, udp, tcp, certificate);
  }

  get udpPort(): number {
    return this.udp.address().port;
  }
  /** The UDP receive buffer the kernel granted (Linux reports twice the usable size, as `ss -m` does). */
  get receiveBufferBytes(): number {
    return this.udp.getRecvBufferSize();
  }
  /** Datagrams the kernel dropped at the UDP socket because its buffer was full (undefined: no /proc). */
  socketDrops(): number | undefined {
    return udpSocketDrops(this.udpPort);
  }
  get tcpPort(): number | undefined {
    const a = this.tcp?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }
  /** ICE-TCP connections open now that have not sent a valid Binding request yet. */
  get unauthenticatedTcpCount(): number {
    return this.tcpAdmission.size;
  }
  get transportCount(): number {
    return this.byUfrag.size;
  }

  /** Register a new endpoint transport with a fresh, unique ufrag and password. */
  createTransport(endpointId: string): EndpointTransport {
    if (this.closed) throw new Error('media port is closed');
    let ufrag = iceString(8);
    while (this.byUfrag.has(ufrag)) ufrag = iceString(8);
    const t = new EndpointTransport(
      endpointId,
      ufrag,
      iceString(24),
      this.candidates(),
      this.link,
      this.transportOptions,
    );
    this.byUfrag.set(ufrag, t);
    this.pathsOf.set(t, []);
    return t;
  }

  private candidates(): IceCandidate[] {
    const out: IceCandidate[] = [];
    this.opts.advertise.forEach((ip, i) => {
      const localPref = 65535 - i;
      out.push({
        foundation: `${i + 1}`,
        component: 1,
        protocol: 'udp',
        priority: (126 << 24) + (localPref << 8) + 255,
        ip,
        port: this.udpPort,
        type: 'host',
        generation: 0,
      });
      const tcpPort = this.tcpPort;
      if (tcpPort !== undefined) {
        out.push({
          foundation: `${i + 101}`,
          component: 1,
          protocol: 'tcp',
          priority: (90 << 24) + (localPref << 8) + 255,
          ip,
          port: tcpPort,
          type: 'host',
          generation: 0,
          tcptype: 'passive',
        });
      }
    });
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const t of [...this.byUfrag.values()]) t.close();
    this.closed = true;
    for (const s of this.tcpConns.values()) s.destroy();
    this.tcpConns.clear();
    await Promise.all([
      new Promise<void>((r) => this.udp.close(() => r())),
      this.tcp ? new Promise<void>((r) => this.tcp!.close(() => r())) : Promise.resolve(),
    ]);
  }

  private count(reason: string): void {
    this.counters[reason] = (this.counters[reason] ?? 0) + 1;
  }

  private allowed(ip: string): boolean {
    const plain = plainAddress(ip);
    return !this.opts.allowRemote || this.opts.allowRemote(plain);
  }

  private onDatagram(buf: Buffer, ip: string, port: number): void {
    if (this.faultsForTest.blockUdp) return this.count('udp-blocked');
    if (this.faultsForTest.blockUdpFrom && this.faultsForTest.blockUdpFrom(plainAddress(ip), port))
      return this.count('udp-blocked');
    if (!this.allowed(ip)) return this.count('remote-not-allowed');
    const path: PeerPath = { key: `udp:${ip}:${port}`, kind: 'udp', ip, port };
    this.route(buf, path);
  }

  /** Returns true when `buf` was a valid Binding request that was answered. */
  private route(buf: Buffer, path: PeerPath): boolean {
    if (buf.length === 0) {
      this.count('malformed');
      return false;
    }
    if (buf[0] < 4) return this.onStun(buf, path);
    const t = this.byPath.get(path.key);
    if (!t) {
      this.count('unknown-address');
      return false;
    }
    if (this.faultsForTest.blockEndpoint?.(t.endpointId)) return this.dropBlocked();
    if (buf[0] >= 20 && buf[0] <= 63 && this.faultsForTest.dropDtlsOf?.(t)) {
      this.count('dtls-dropped-by-test');
      return false;
    }
    t.handlePacket(buf);
    return false;
  }

  private onStun(buf: Buffer, path: PeerPath): boolean {
    const msg = looksLikeStun(buf) ? decodeStun(buf) : null;
    if (!msg) {
      this.count('malformed');
      return false;
    }
    if (msg.cls !== 'request') {
      // Binding indications (keepalives) and stray responses: nothing to do for a lite agent.
      this.count(this.byPath.has(path.key) ? 'stun-ignored' : 'unknown-address');
      return false;
    }
    if (msg.method !== BINDING) {
      this.count('stun-unsupported-method');
      return false;
    }
    const username = getAttribute(msg, ATTR.USERNAME)?.toString('utf8');
    if (!username) {
      this.count('stun-no-username');
      return false;
    }
    const colon = username.indexOf(':');
    const t = this.byUfrag.get(colon < 0 ? username : username.slice(0, colon));
    if (!t) {
      this.count('stun-unknown-ufrag');
      return false;
    }
    if (this.faultsForTest.blockEndpoint?.(t.endpointId)) return this.dropBlocked();
    if (!verifyIntegrity(msg, t.local.pwd)) {
      this.count('stun-bad-integrity');
      return false;
    }
    if (hasFingerprint(msg) && !verifyFingerprint(msg)) {
      this.count('stun-bad-fingerprint');
      return false;
    }
    const expected = t.expectedRemoteUfrag;
    if (expected !== undefined && username.slice(colon + 1) !== expected) {
      this.count('stun-wrong-remote-ufrag');
      return false;
    }
    const plainIp = plainAddress(path.ip);
    if (getAttribute(msg, ATTR.ICE_CONTROLLED)) {
      // We are lite, hence always controlled; the peer must take the controlling role (RFC 8445 7.3.1.1).
      this.count('stun-role-conflict');
      this.sendTo(
        path,
        encodeStun({
          method: BINDING,
          cls: 'error',
          transactionId: msg.transactionId,
          attributes: [{ type: ATTR.ERROR_CODE, value: encodeErrorCode(487, 'Role Conflict') }],
          integrityKey: t.local.pwd,
          fingerprint: true,
        }),
      );
      return false;
    }
    this.sendTo(
      path,
      encodeStun({
        method: BINDING,
        cls: 'success',
        transactionId: msg.transactionId,
        attributes: [
          {
            type: ATTR.XOR_MAPPED_ADDRESS,
            value: encodeXorAddress({ ip: plainIp, port: path.port }, msg.transactionId),
          },
        ],
        integrityKey: t.local.pwd,
        fingerprint: true,
      }),
    );
    this.learn(path, t);
    t.handleValidCheck(path, getAttribute(msg, ATTR.USE_CANDIDATE) !== undefined);
    return true;
  }

  private learn(path: PeerPath, t: EndpointTransport): void {
    const owner = this.byPath.get(path.key);
    if (owner === t) return;
    if (owner)
      this.pathsOf.set(
        owner,
        (this.pathsOf.get(owner) ?? []).filter((k) => k !== path.key),
      );
    const keys = this.pathsOf.get(t) ?? [];
    while (keys.length >= MAX_PATHS_PER_TRANSPORT) {
      const i = keys.findIndex((k) => k !== t.selected?.key);
      this.byPath.delete(keys.splice(Math.max(i, 0), 1)[0]);
    }
    keys.push(path.key);
    this.pathsOf.set(t, keys);
    this.byPath.set(path.key, t);
  }

  private renewCredentials(t: EndpointTransport): { ufrag: string; pwd: string } {
    if (this.byUfrag.get(t.local.ufrag) === t) this.byUfrag.delete(t.local.ufrag);
    let ufrag = iceString(8);
    while (this.byUfrag.has(ufrag)) ufrag = iceString(8);
    this.byUfrag.set(ufrag, t);
    return { ufrag, pwd: iceString(24) };
  }

  private release(t: EndpointTransport): void {
    if (this.byUfrag.get(t.local.ufrag) === t) this.byUfrag.delete(t.local.ufrag);
    for (const k of this.pathsOf.get(t) ?? []) {
      if (this.byPath.get(k) === t) this.byPath.delete(k);
      if (k.startsWith('tcp:')) {
        this.tcpConns.get(k)?.destroy();
        this.tcpConns.delete(k);
      }
    }
    this.pathsOf.delete(t);
  }

  private dropBlocked(): false {
    this.count('endpoint-blocked');
    return false;
  }

  private sendTo(path: PeerPath, buf: Buffer): void {
    if (this.closed) return;
    const owner = this.faultsForTest.blockEndpoint && this.byPath.get(path.key);
    if (owner && this.faultsForTest.blockEndpoint?.(owner.endpointId)) return void this.dropBlocked();
    if (path.kind === 'udp') {
      // No callback: one would cost a process.nextTick per datagram. An unconnected UDP socket hears
      // of no ICMP errors anyway; what dgram reports goes to the socket's 'error' event (udp-error).
      this.udp.send(buf, path.port, path.ip);
      // The kernel took the datagram at once unless the send was queued (socket buffer full): then the
      // queued request holds the lent buffer until it is sent, and the next packet gets a new one.
      if (buf.buffer === this.sendBuffer.buffer && this.udp.getSendQueueCount() > 0) this.renewSendBuffer();
      return;
    }
    const s = this.tcpConns.get(path.key);
    if (!s || s.destroyed || buf.length > 0xffff) {
      this.count('tcp-send-dropped');
      return;
    }
    s.write(TcpFramer.frame(buf));
  }

  /**
   * A buffer to build the next outgoing packet in (at least `bytes` long), handed to sendTo() right
   * after: the same memory serves packet after packet, since a UDP send normally completes before it
   * returns and ICE-TCP copies into its frame. Not to be kept: the next call may return it again.
   */
  lendSendBuffer(bytes: number): Buffer {
    if (bytes > this.sendBuffer.length) return Buffer.allocUnsafe(bytes);
    return this.sendBuffer;
  }

  private renewSendBuffer(): void {
    this.count('udp-send-queued');
    this.sendBuffer = Buffer.allocUnsafeSlow(SEND_BUFFER_BYTES);
  }

  private onTcpConnection(s: TcpSocket): void {
    const ip = s.remoteAddress ?? '';
    if (this.faultsForTest.blockTcp) {
      this.count('tcp-blocked');
      s.destroy();
      return;
    }
    if (this.closed || !this.allowed(ip)) {
      this.count('remote-not-allowed');
      s.destroy();
      return;
    }
    s.setNoDelay(true);
    const path: PeerPath = { key: `tcp:${++this.tcpSeq}`, kind: 'tcp', ip, port: s.remotePort ?? 0 };
    this.tcpConns.set(path.key, s);
    for (const evicted of this.tcpAdmission.admit(path.key, ip)) {
      this.count(evicted.reason);
      this.tcpConns.get(evicted.key)?.destroy();
    }
    let authenticated = false;
    const authTimer = setTimeout(() => {
      this.count('tcp-auth-timeout');
      s.destroy();
    }, this.opts.tcpAuthTimeoutMs ?? DEFAULT_TCP_AUTH_TIMEOUT_MS);
    authTimer.unref();
    const framer = new TcpFramer((frame) => {
      if (!authenticated) {
        // RFC 6544: the first frame on a passive connection must be a valid Binding request.
        if (!(frame[0] < 4 && this.onStun(frame, path))) {
          this.count('tcp-bad-first-frame');
          s.destroy();
          return;
        }
        authenticated = true;
        this.tcpAdmission.forget(path.key);
        clearTimeout(authTimer);
        return;
      }
      this.route(frame, path);
    });
    s.on('data', (chunk) => {
      try {
        framer.push(chunk);
      } catch {
        this.count('handler-error');
        s.destroy();
      }
    });
    s.on('error', () => this.count('tcp-conn-error'));
    s.on('close', () => {
      clearTimeout(authTimer);
      this.tcpAdmission.forget(path.key);
      this.tcpConns.delete(path.key);
      const t = this.byPath.get(path.key);
      if (t) {
        this.byPath.delete(path.key);
        this.pathsOf.set(
          t,
          (this.pathsOf.get(t) ?? []).filter((k) => k !== path.key),
        );
      }
    });
  }
}

/** Room for any RTP packet plus its SRTP tag (browsers keep packets under ~1200 bytes; MTU 1500). */
const SEND_BUFFER_BYTES = 2048;

/**
 * dgram's lookup for this socket: every address it sends to came from the kernel (a datagram's or a
 * TCP connection's source), so it is an IP literal. dgram's default, dns.lookup, answers literals on
 * the next tick, which made every send asynchronous and cost a closure and a tick per datagram.
 */
function literalAddress(
  address: string,
  _family: unknown,
  done: (err: Error | null, address: string, family: number) => void,
): void {
  done(null, address, address.includes(':') ? 6 : 4);
}

/** Asks for the buffers; a kernel that grants less (its *mem_max) is reported by the caller, not here. */
function sizeBuffers(udp: UdpSocket, receive: number, send: number): void {
  try {
    udp.setRecvBufferSize(receive);
    udp.setSendBufferSize(send);
  } catch {
    // Not settable on this platform: the default buffers still work, with more drops under bursts.
  }
}
