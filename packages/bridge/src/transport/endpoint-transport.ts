// One endpoint's transport on the shared MediaPort: ICE-lite state (answers come from the port),
// DTLS server + SCTP bridge channel (werift-session.ts), raw SRTP/SRTCP packets in and out.
import type { IceCandidate, IceTransport } from '@parley/protocol';
import {
  certificateFingerprint,
  WeriftSession,
  type DtlsCertificate,
  type SrtpKeying,
  type SrtpProfileName,
} from './werift-session.js';

export type TransportState = 'new' | 'checking' | 'connected' | 'failed' | 'closed';

/** Where a peer's packets come from and go to: a UDP address or an ICE-TCP connection. */
export interface PeerPath {
  key: string;
  kind: 'udp' | 'tcp';
  ip: string;
  port: number;
}

export interface LocalIceTransport extends IceTransport {
  sctpPort: number;
}

export interface TransportOptions {
  consentTimeoutMs: number;
  srtpProfiles: SrtpProfileName[];
  openChannelAfterMs: number | null;
  channelLabel: string;
}

/** What the transport needs from its MediaPort. */
export interface PortLink {
  sendTo(path: PeerPath, buf: Buffer): void;
  /** See MediaPort.lendSendBuffer: memory for the next packet passed to sendTo. */
  lendSendBuffer(bytes: number): Buffer;
  release(t: EndpointTransport): void;
  /** Fresh, unique local ICE credentials for t (an ICE restart); the port finds t by the new ufrag. */
  renewCredentials(t: EndpointTransport): { ufrag: string; pwd: string };
  count(reason: string): void;
  certificate: DtlsCertificate;
}

export interface TransportStats {
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
}

type Listener<T extends unknown[]> = (...args: T) => void;

export class EndpointTransport {
  local: LocalIceTransport;
  state: TransportState = 'new';
  srtp?: SrtpKeying;
  remote?: IceTransport;
  /** The nominated path, or the first path a valid check came from until one is nominated. */
  selected?: PeerPath;
  failureReason?: string;
  readonly stats: TransportStats = { packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0 };
  private nominated = false;
  /** After restartIce(), until the peer's new credentials arrive: checks with any remote ufrag pass. */
  private awaitingRemote = false;
  private session?: WeriftSession;
  private pendingDtls: Buffer[] = [];
  private consentTimer?: NodeJS.Timeout;
  private stateCbs = new Set<Listener<[TransportState]>>();
  private packetCbs = new Set<Listener<[Buffer]>>();
  private messageCbs = new Set<Listener<[string]>>();
  private openCbs = new Set<Listener<[string]>>();

  constructor(
    readonly endpointId: string,
    ufrag: string,
    pwd: string,
    candidates: IceCandidate[],
    private readonly port: PortLink,
    private readonly opts: TransportOptions,
  ) {
    this.local = {
      ufrag,
      pwd,
      candidates,
      rtcpMux: true,
      sctpPort: 5000,
      iceLite: true,
      fingerprints: [{ hash: 'sha-256', value: port.certificate.fingerprint, setup: 'actpass' }],
    };
  }

  onStateChange(cb: Listener<[TransportState]>): () => void {
    return add(this.stateCbs, cb);
  }
  /** Encrypted RTP/RTCP (first byte 128..191) exactly as received. */
  onPacket(cb: Listener<[Buffer]>): () => void {
    return add(this.packetCbs, cb);
  }
  onDataChannelMessage(cb: Listener<[string]>): () => void {
    return add(this.messageCbs, cb);
  }
  /** Called with the channel's label once a bridge channel is open (either side opened it). */
  onDataChannelOpen(cb: Listener<[string]>): () => void {
    return add(this.openCbs, cb);
  }

  get dataChannelOpen(): boolean {
    return this.session?.channelOpen ?? false;
  }

  /** Store the peer's ICE credentials and DTLS fingerprints; DTLS starts once ICE has a path. */
  start(remote: IceTransport): void {
    if (this.state === 'closed' || this.state === 'failed') throw new Error(`transport is ${this.state}`);
    if (this.remote && !this.awaitingRemote) throw new Error('transport already started');
    if (this.remote && this.session && !sameFingerprints(this.remote, remote))
      throw new Error('the new remote DTLS fingerprint differs from the one DTLS was done with');
    this.awaitingRemote = false;
    if (!remote.fingerprints.some((f) => certificateFingerprint(Buffer.alloc(0), f.hash) !== undefined)) {
      throw new Error('remote transport has no usable DTLS fingerprint');
    }
    // mDNS (.local) candidates are refused: resolving them would mean multicast queries. A lite agent
    // never sends checks, so remote candidates are informational only anyway.
    const candidates = remote.candidates.filter((c) => !c.ip.toLowerCase().endsWith('.local'));
    for (let i = candidates.length; i < remote.candidates.length; i++) this.port.count('mdns-candidate-refused');
    this.remote = { ...remote, candidates };
    if (this.state === 'new') this.setState('checking');
    this.armConsent();
    this.maybeStartDtls();
  }

  /**
   * ICE restart: new local ufrag/pwd (the old ones stop working at once); the DTLS session and its
   * SRTP keys stay, since a browser's ICE restart keeps its DTLS transport. A transport whose
   * consent expired is revived by it; one whose DTLS failed is not.
   */
  restartIce(): LocalIceTransport {
    if (this.state === 'closed') throw new Error('transport is closed');
    if (this.state === 'failed' && this.failureReason !== CONSENT_EXPIRED)
      throw new Error(`transport failed (${this.failureReason}); ICE restart cannot revive it`);
    const { ufrag, pwd } = this.port.renewCredentials(this);
    this.local = { ...this.local, ufrag, pwd };
    // The old path is dead: the first valid check of the new generation is used at once, before the
    // peer nominates (browsers nominate a little later), so media and keyframe requests go there.
    this.selected = undefined;
    this.nominated = false;
    if (this.remote) this.awaitingRemote = true;
    // The peer's path is gone (that is why it restarts): nothing is sent until its new checks arrive,
    // and going back to 'connected' then tells the endpoint to ask for keyframes.
    if (this.state === 'failed' || this.state === 'connected') {
      this.failureReason = undefined;
      this.setState('checking');
    }
    this.armConsent();
    return this.local;
  }

  /** Send one already-encrypted SRTP/SRTCP packet to the peer. False when there is nowhere to send. */
  send(encrypted: Buffer): boolean {
    if (this.state !== 'connected' || !this.selected) return false;
    this.stats.packetsOut++;
    this.stats.bytesOut += encrypted.length;
    this.port.sendTo(this.selected, encrypted);
    return true;
  }

  /** A buffer (at least `bytes` long) to build the next packet for send() in; reused after that send. */
  lendSendBuffer(bytes: number): Buffer {
    return this.port.lendSendBuffer(bytes);
  }

  sendDataChannel(text: string): boolean {
    return this.state === 'connected' && !!this.session?.sendText(text);
  }

  close(): void {
    if (this.state === 'closed') return;
    this.teardown();
    this.port.release(this);
    this.setState('closed');
  }

  // ---- called by MediaPort -------------------------------------------------------------

  /** Remote ufrag the peer must put after the colon in USERNAME (undefined before start()). */
  get expectedRemoteUfrag(): string | undefined {
    return this.awaitingRemote ? undefined : this.remote?.ufrag;
  }

  /** A Binding request whose MESSAGE-INTEGRITY verified arrived on `path`. */
  handleValidCheck(path: PeerPath, useCandidate: boolean): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.armConsent();
    // Back after an ICE restart (or a consent loss): DTLS is done, so media resumes on this path.
    const resumed = this.state === 'checking' && this.srtp !== undefined;
    if (useCandidate && (!this.nominated || this.selected?.key !== path.key)) {
      this.nominated = true;
      this.selected = path;
    } else if (!this.selected) {
      this.selected = path; // first valid check: usable until a nomination arrives
    }
    if (resumed) this.setState('connected');
    this.maybeStartDtls();
  }

  /** Any non-STUN packet from a path this transport has validated. */
  handlePacket(buf: Buffer): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    const b = buf[0];
    if (b >= 128 && b <= 191) {
      if (this.state !== 'connected') return this.port.count('media-before-dtls');
      this.stats.packetsIn++;
      this.stats.bytesIn += buf.length;
      for (const cb of this.packetCbs) safeCall(cb, buf);
    } else if (b >= 20 && b <= 63) {
      if (this.session) this.session.receive(buf);
      else if (this.pendingDtls.length < 16) this.pendingDtls.push(Buffer.from(buf));
    } else {
      this.port.count('unknown-packet-type');
    }
  }

  // ---- internals -------------------------------------------------------------------------

  private maybeStartDtls(): void {
    if (this.session || !this.remote || !this.selected || this.state !== 'checking') return;
    const remote = this.remote;
    this.session = new WeriftSession({
      certificate: this.port.certificate,
      srtpProfiles: this.opts.srtpProfiles,
      sendToPeer: (buf) => {
        if (this.selected) this.port.sendTo(this.selected, buf);
      },
      verifyPeer: (der) => {
        const ok = remote.fingerprints.some(
          (f) => certificateFingerprint(der, f.hash) === f.value.trim().toUpperCase(),
        );
        return ok ? undefined : 'remote certificate fingerprint mismatch';
      },
      sctpPort: this.local.sctpPort,
      remoteSctpPort: remote.sctpPort ?? 5000,
      openChannelAfterMs: this.opts.openChannelAfterMs,
      channelLabel: this.opts.channelLabel,
      onConnected: (srtp) => {
        this.srtp = srtp;
        this.setState('connected');
      },
      onFailed: (reason) => this.fail(reason),
      onChannelOpen: (label) => {
        for (const cb of this.openCbs) safe(() => cb(label));
      },
      onChannelMessage: (text) => {
        for (const cb of this.messageCbs) safe(() => cb(text));
      },
      onJunk: (reason) => this.port.count(reason),
    });
    const queued = this.pendingDtls;
    this.pendingDtls = [];
    for (const buf of queued) this.session.receive(buf);
  }

  private armConsent(): void {
    if (!this.remote) return; // the clock starts with start()
    if (this.consentTimer) clearTimeout(this.consentTimer);
    this.consentTimer = setTimeout(() => this.loseConsent(), this.opts.consentTimeoutMs);
    this.consentTimer.unref();
  }

  /**
   * No valid check for the consent period: nothing more is sent to the peer, but the DTLS session
   * and keys are kept, so an ICE restart can bring the same session back (the focus expires the
   * endpoint when its participant leaves).
   */
  private loseConsent(): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.failureReason = CONSENT_EXPIRED;
    if (this.consentTimer) clearTimeout(this.consentTimer);
    this.consentTimer = undefined;
    this.setState('failed');
  }

  private fail(reason: string): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.failureReason = reason;
    this.teardown();
    this.setState('failed');
  }

  private teardown(): void {
    if (this.consentTimer) clearTimeout(this.consentTimer);
    this.consentTimer = undefined;
    this.session?.close();
    this.pendingDtls = [];
  }

  private setState(s: TransportState): void {
    if (this.state === s) return;
    this.state = s;
    for (const cb of this.stateCbs) safe(() => cb(s));
  }
}

const CONSENT_EXPIRED = 'ICE consent expired';

function sameFingerprints(a: IceTransport, b: IceTransport): boolean {
  const key = (t: IceTransport) =>
    t.fingerprints
      .map((f) => `${f.hash.toLowerCase()} ${f.value.trim().toUpperCase()}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

function add<T>(set: Set<T>, cb: T): () => void {
  set.add(cb);
  return () => set.delete(cb);
}

/** safe() for the per-packet listeners, without a closure per packet. */
function safeCall(cb: Listener<[Buffer]>, buf: Buffer): void {
  try {
    cb(buf);
  } catch (e) {
    console.error('[transport] listener threw:', e);
  }
}

/** A listener's bug must not break the socket handler that called it. */
function safe(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    console.error('[transport] listener threw:', e);
  }
}
