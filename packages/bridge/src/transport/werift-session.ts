// The only file in Parley's bridge that imports werift. It wraps werift's DTLS server and its SCTP
// data-channel stack behind a tiny interface: packets in (DTLS records), packets out (to the
// nominated ICE path), keying material and data-channel text out. ICE and SRTP are not werift's job here.
import { createHash } from 'node:crypto';
import {
  CipherContext,
  DtlsServer,
  HashAlgorithm,
  NamedCurveAlgorithm,
  RTCCertificate,
  RTCDataChannel,
  RTCDataChannelParameters,
  RTCSctpTransport,
  SignatureAlgorithm,
} from 'werift';
import { ClientFlightGuard } from './client-flight-guard.js';
import { type DtlsRecord, judgeRecord, splitRecords } from './dtls-record-filter.js';

export type SrtpProfileName = 'AES_CM_128_HMAC_SHA1_80' | 'AEAD_AES_128_GCM';
const PROFILE_IDS: Record<SrtpProfileName, 1 | 7> = { AES_CM_128_HMAC_SHA1_80: 1, AEAD_AES_128_GCM: 7 };
/** key and salt lengths in bytes (RFC 5764 4.1.2, RFC 7714 12). */
const PROFILE_LENGTHS: Record<SrtpProfileName, { key: number; salt: number }> = {
  AES_CM_128_HMAC_SHA1_80: { key: 16, salt: 14 },
  AEAD_AES_128_GCM: { key: 16, salt: 12 },
};

export interface SrtpKeying {
  profile: SrtpProfileName;
  /** RFC 5764 4.2 layout: client key | server key | client salt | server salt. */
  keyingMaterial: Buffer;
  keyLength: number;
  saltLength: number;
  /** The bridge is always the DTLS server: its local (sending) key is the server key. */
  isClient: false;
}

export interface DtlsCertificate {
  certPem: string;
  privateKeyPem: string;
  signatureHash: { hash: number; signature: number };
  /** sha-256 fingerprint, upper-case colon-separated hex. */
  fingerprint: string;
}

export async function createCertificate(): Promise<DtlsCertificate> {
  const { certPem, keyPem, signatureHash } = await CipherContext.createSelfSignedCertificateWithKey(
    { signature: SignatureAlgorithm.ecdsa_3, hash: HashAlgorithm.sha256_4 },
    NamedCurveAlgorithm.secp256r1_23,
  );
  const cert = new RTCCertificate(keyPem, certPem, signatureHash);
  return {
    certPem,
    privateKeyPem: cert.privateKey,
    signatureHash,
    fingerprint: cert.getFingerprints()[0].value.toUpperCase(),
  };
}

export function certificateFingerprint(der: Buffer, hash: string): string | undefined {
  const alg = hash.toLowerCase().replace('-', '');
  if (!['sha1', 'sha224', 'sha256', 'sha384', 'sha512'].includes(alg)) return undefined;
  return createHash(alg).update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

export interface WeriftSessionOptions {
  certificate: DtlsCertificate;
  srtpProfiles: SrtpProfileName[];
  /** Sends a DTLS record to the peer (through the shared socket, to the nominated path). */
  sendToPeer: (buf: Buffer) => void;
  /** Returns an error text when the peer's certificate (DER) is not acceptable. */
  verifyPeer: (der: Buffer) => string | undefined;
  sctpPort: number;
  remoteSctpPort: number;
  /** Open the bridge's own channel when the peer has opened none this long after SCTP starts; null: never. */
  openChannelAfterMs: number | null;
  channelLabel: string;
  onConnected: (srtp: SrtpKeying) => void;
  onFailed: (reason: string) => void;
  onChannelOpen: (label: string) => void;
  onChannelMessage: (text: string) => void;
  /** A peer message werift could not handle (counted by the port). */
  onJunk: (reason: string) => void;
}

/** Minimal stand-in for werift's RTCDtlsTransport, as far as RTCSctpTransport uses it. */
class DtlsShim {
  readonly id = `parley-${Math.random().toString(36).slice(2)}`;
  readonly iceTransport = { role: 'controlled' }; // -> RTCSctpTransport.isServer: answer the peer's INIT
  dataReceiver: (buf: Buffer) => void = () => {};
  private stateListeners = new Set<(s: string) => void>();
  readonly onStateChange = {
    subscribe: (cb: (s: string) => void) => {
      this.stateListeners.add(cb);
      return { unSubscribe: () => this.stateListeners.delete(cb) };
    },
  };
  constructor(readonly sendData: (data: Buffer) => Promise<void>) {}
  emitState(s: string): void {
    for (const cb of this.stateListeners) cb(s);
  }
}

export class WeriftSession {
  private dtls: DtlsServer;
  private adapter: { onData: (buf: Buffer) => void };
  private sctp?: RTCSctpTransport;
  private shim?: DtlsShim;
  private channel?: RTCDataChannel;
  private openTimer?: NodeJS.Timeout;
  private closed = false;
  /** From here on only authenticated records reach werift (dtls-record-filter.ts). */
  private handshakeDone = false;
  /** Until then, the client's flights pass whole and in order (client-flight-guard.ts). */
  private readonly flightGuard = new ClientFlightGuard(true);

  constructor(private readonly o: WeriftSessionOptions) {
    const adapter = {
      type: 'udp',
      address: {},
      closed: false,
      onData: (_buf: Buffer) => {},
      send: async (buf: Buffer) => {
        if (!this.closed) o.sendToPeer(buf);
      },
      close: async () => {
        adapter.closed = true;
      },
    };
    this.adapter = adapter;
    this.dtls = new DtlsServer({
      cert: o.certificate.certPem,
      key: o.certificate.privateKeyPem,
      signatureHash: o.certificate.signatureHash as never,
      transport: adapter as never,
      srtpProfiles: o.srtpProfiles.map((p) => PROFILE_IDS[p]),
      extendedMasterSecret: true,
      certificateRequest: true,
    });
    this.dtls.onConnect.once(() => {
      this.handshakeDone = true;
      this.verifyHandshake();
    });
    this.dtls.onError.once((e: Error) => this.fail(`dtls: ${e?.message ?? e}`));
    this.dtls.onClose.once(() => this.fail('dtls closed by peer'));
    // Feed SCTP ourselves rather than through the shim's dataReceiver: SCTP.handleData rejects on a
    // bad checksum or a malformed chunk, and werift's own path drops that promise (unhandled rejection).
    this.dtls.onData.subscribe((buf: Buffer) => {
      if (this.closed || !this.sctp) return;
      const assoc = this.sctp.sctp as unknown as { handleData(b: Buffer): Promise<void> };
      assoc.handleData(buf).catch(() => this.o.onJunk('sctp-bad-packet'));
    });
  }

  /** Feed one datagram of DTLS records (first byte 20..63) received from the peer. */
  receive(buf: Buffer): void {
    if (this.closed) return;
    const { records, truncated } = splitRecords(buf);
    if (truncated) this.o.onJunk('dtls-truncated');
    const passed: Buffer[] = [];
    for (const record of records) {
      const verdict = judgeRecord(record, this.handshakeDone, (r) => this.decryptRecord(r));
      if (verdict.kind === 'pass') passed.push(...this.guardHandshake(record));
      else if (verdict.kind === 'drop') this.o.onJunk(verdict.reason);
      else return this.fail(verdict.description === 0 ? 'dtls closed by peer' : `dtls alert ${verdict.description}`);
    }
    if (!passed.length) return;
    try {
      this.adapter.onData(passed.length === 1 ? passed[0] : Buffer.concat(passed));
    } catch {
      /* werift logs its own errors */
    }
  }

  private guardHandshake(record: DtlsRecord): Buffer[] {
    if (this.handshakeDone) return [record.raw];
    const serverFlight = (this.dtls as unknown as { dtls: { flight: number } }).dtls.flight;
    const verdict = this.flightGuard.admit(record, serverFlight);
    if (verdict.kind === 'drop') this.o.onJunk(verdict.reason);
    return verdict.kind === 'pass' ? verdict.records : [];
  }

  /** Decrypts (and so authenticates) one record with the session's keys; throws when it does not. */
  private decryptRecord(r: DtlsRecord): Buffer {
    const cipher = (this.dtls as unknown as { cipher: { decryptPacket(pkt: unknown): Buffer } }).cipher;
    return cipher.decryptPacket({
      recordLayerHeader: {
        contentType: r.contentType,
        protocolVersion: r.version,
        epoch: r.epoch,
        sequenceNumber: r.sequenceNumber,
        contentLen: r.fragment.length,
      },
      fragment: r.fragment,
    });
  }

  private verifyHandshake(): void {
    if (this.closed) return;
    const der = this.dtls.remoteCertificate;
    const err = der ? this.o.verifyPeer(Buffer.from(der)) : 'peer sent no certificate';
    if (err) return this.fail(err);
    const id = this.dtls.srtp.srtpProfile;
    const profile = (Object.keys(PROFILE_IDS) as SrtpProfileName[]).find((p) => PROFILE_IDS[p] === id);
    if (!profile) return this.fail(`no SRTP profile negotiated (${id})`);
    const { key, salt } = PROFILE_LENGTHS[profile];
    const keyingMaterial = Buffer.from(this.dtls.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 2 * key + 2 * salt));
    this.startSctp();
    this.o.onConnected({ profile, keyingMaterial, keyLength: key, saltLength: salt, isClient: false });
  }

  private startSctp(): void {
    const shim = new DtlsShim(async (data) => {
      if (!this.closed) await this.dtls.send(data);
    });
    const sctp = new RTCSctpTransport(this.o.sctpPort);
    // Monkey-patch: werift's datachannelReceive throws (unknown PPID, DCEP ACK for an unknown stream)
    // inside a promise nobody awaits -> unhandled rejection -> process exit. It is an instance
    // property read by setDtlsTransport(), so wrap it before that call.
    const patched = sctp as unknown as { datachannelReceive: (...a: unknown[]) => Promise<void> };
    const original = patched.datachannelReceive;
    patched.datachannelReceive = (...a: unknown[]) => original(...a).catch(() => this.o.onJunk('sctp-bad-message'));
    sctp.setDtlsTransport(shim as never);
    sctp.setRemotePort(this.o.remoteSctpPort);
    sctp.onDataChannel.subscribe((ch: RTCDataChannel) => this.adopt(ch));
    this.sctp = sctp;
    this.shim = shim;
    sctp.start(this.o.remoteSctpPort).catch((e: Error) => this.fail(`sctp: ${e?.message ?? e}`));
    if (this.o.openChannelAfterMs !== null) {
      this.openTimer = setTimeout(() => this.openOwnChannel(), this.o.openChannelAfterMs);
      this.openTimer.unref();
    }
  }

  private openOwnChannel(): void {
    if (this.closed || this.channel || !this.sctp) return;
    // The DTLS server uses odd stream ids (RFC 8832 6).
    const params = new RTCDataChannelParameters({ label: this.o.channelLabel, ordered: true, protocol: '', id: 1 });
    this.adopt(new RTCDataChannel(this.sctp, params));
  }

  private adopt(ch: RTCDataChannel): void {
    if (this.closed) return;
    if (this.channel && this.channel !== ch) {
      // A second channel: still deliver its messages, but keep sending on the first.
      ch.onMessage.subscribe((m) => this.deliver(m));
      return;
    }
    this.channel = ch;
    ch.onMessage.subscribe((m) => this.deliver(m));
    // A peer-opened channel is handed over before werift marks it open (DCEP ACK still to go out):
    // announce it only once it can carry messages, or the first one (ServerHello) is lost.
    if (ch.readyState === 'open') this.o.onChannelOpen(ch.label);
    else
      ch.stateChanged.subscribe((s) => {
        if (s === 'open' && !this.closed) this.o.onChannelOpen(ch.label);
      });
  }

  private deliver(m: string | Buffer): void {
    if (!this.closed) this.o.onChannelMessage(typeof m === 'string' ? m : m.toString('utf8'));
  }

  get channelOpen(): boolean {
    return this.channel?.readyState === 'open';
  }

  sendText(text: string): boolean {
    if (this.closed || !this.channel || this.channel.readyState !== 'open') return false;
    try {
      this.channel.send(text);
      return true;
    } catch {
      return false;
    }
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.o.onFailed(reason);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.openTimer) clearTimeout(this.openTimer);
    try {
      this.shim?.emitState('closed');
    } catch {
      /* ignore */
    }
    this.sctp?.stop().catch(() => {});
    try {
      this.dtls.close();
    } catch {
      /* ignore */
    }
  }
}
