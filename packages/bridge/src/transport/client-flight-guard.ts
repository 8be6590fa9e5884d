// Which of the DTLS client's handshake records reach werift's DtlsServer while the handshake runs.
// werift 0.25 acts on each record as it comes, which is wrong on a network that loses, duplicates
// or delays datagrams (a busy machine's loopback does all three):
//  - a late copy of the first ClientHello (no cookie) re-runs flight 2 after flight 4 went out: new
//    server random and ECDHE key, so the client's Finished never verifies and the handshake hangs
//    (the browser shows ICE connected, DTLS connecting, forever);
//  - a ClientHello once flight 4 is answered restarts flight 4 in the middle of flight 6;
//  - a partial flight 5 (CertificateVerify without the Certificate before it) throws, and the
//    session fails instead of waiting for the client's retransmission (RFC 6347 4.2.4).
// So: a ClientHello older than one already seen, or any ClientHello after flight 4, is dropped;
// flight 5 is held until it is whole and then handed over in order, as one flight.
import { CHANGE_CIPHER_SPEC, type DtlsRecord, HANDSHAKE } from './dtls-record-filter.js';

const CLIENT_HELLO = 1;
const CERTIFICATE = 11;
const CERTIFICATE_VERIFY = 15;
const CLIENT_KEY_EXCHANGE = 16;
/** msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3), RFC 6347 4.2.2 */
const HANDSHAKE_HEADER_LENGTH = 12;

/** One handshake message fragment carried alone in a record. */
interface HandshakeFragment {
  type: number;
  length: number;
  messageSeq: number;
  offset: number;
  fragmentLength: number;
}

function readFragment(record: DtlsRecord): HandshakeFragment | undefined {
  const f = record.fragment;
  if (f.length < HANDSHAKE_HEADER_LENGTH) return undefined;
  const fragmentLength = f.readUIntBE(9, 3);
  if (HANDSHAKE_HEADER_LENGTH + fragmentLength !== f.length) return undefined; // several messages in one record
  return {
    type: f[0],
    length: f.readUIntBE(1, 3),
    messageSeq: f.readUInt16BE(4),
    offset: f.readUIntBE(6, 3),
    fragmentLength,
  };
}

/** The bytes of one handshake message seen so far, as fragments by offset. */
class HeldMessage {
  private readonly fragments = new Map<number, { raw: Buffer; length: number }>();
  constructor(readonly length: number) {}

  add(fragment: HandshakeFragment, raw: Buffer): void {
    if (!this.fragments.has(fragment.offset))
      this.fragments.set(fragment.offset, { raw, length: fragment.fragmentLength });
  }

  get complete(): boolean {
    let covered = 0;
    for (const [offset, { length }] of [...this.fragments].sort((a, b) => a[0] - b[0])) {
      if (offset > covered) return false;
      covered = Math.max(covered, offset + length);
    }
    return covered >= this.length;
  }

  get records(): Buffer[] {
    return [...this.fragments].sort((a, b) => a[0] - b[0]).map(([, f]) => f.raw);
  }
}

export type GuardVerdict = { kind: 'pass'; records: Buffer[] } | { kind: 'hold' } | { kind: 'drop'; reason: string };

export class ClientFlightGuard {
  private highestHelloSeq = -1;
  private flight5 = new Map<number, HeldMessage>();
  private changeCipherSpec?: Buffer;
  private finished?: Buffer;

  /** @param requireCertificate the server asked for the client's certificate (WebRTC always does) */
  constructor(private readonly requireCertificate: boolean) {}

  /**
   * One record from the client, before the handshake is done. `serverFlight` is the last flight
   * the server sent (2, 4 or 6).
   */
  admit(record: DtlsRecord, serverFlight: number): GuardVerdict {
    if (record.contentType === CHANGE_CIPHER_SPEC && record.epoch === 0) {
      this.changeCipherSpec = record.raw;
      return this.releaseFlight5();
    }
    if (record.contentType !== HANDSHAKE) return { kind: 'pass', records: [record.raw] };
    if (record.epoch > 0) {
      this.finished = record.raw; // the only encrypted handshake message a DTLS 1.2 client sends
      return this.releaseFlight5();
    }
    const fragment = readFragment(record);
    if (!fragment) return { kind: 'pass', records: [record.raw] };
    if (fragment.type === CLIENT_HELLO) return this.admitHello(fragment, record.raw, serverFlight);
    if (![CERTIFICATE, CLIENT_KEY_EXCHANGE, CERTIFICATE_VERIFY].includes(fragment.type))
      return { kind: 'pass', records: [record.raw] };
    let held = this.flight5.get(fragment.type);
    if (!held || held.length !== fragment.length)
      this.flight5.set(fragment.type, (held = new HeldMessage(fragment.length)));
    held.add(fragment, record.raw);
    return this.releaseFlight5();
  }

  private admitHello(fragment: HandshakeFragment, raw: Buffer, serverFlight: number): GuardVerdict {
    if (serverFlight > 4) return { kind: 'drop', reason: 'dtls-client-hello-late' };
    if (fragment.messageSeq < this.highestHelloSeq) return { kind: 'drop', reason: 'dtls-client-hello-stale' };
    this.highestHelloSeq = fragment.messageSeq;
    return { kind: 'pass', records: [raw] };
  }

  private releaseFlight5(): GuardVerdict {
    const order = this.requireCertificate
      ? [CERTIFICATE, CLIENT_KEY_EXCHANGE, CERTIFICATE_VERIFY]
      : [CLIENT_KEY_EXCHANGE];
    const messages = order.map((type) => this.flight5.get(type));
    if (messages.some((m) => !m?.complete) || !this.changeCipherSpec || !this.finished) return { kind: 'hold' };
    const records = [...messages.flatMap((m) => m!.records), this.changeCipherSpec, this.finished];
    this.flight5.clear();
    this.changeCipherSpec = undefined;
    this.finished = undefined;
    return { kind: 'pass', records };
  }
}
