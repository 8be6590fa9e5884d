// Which DTLS records from a peer reach werift's DtlsServer. werift 0.25 acts on records it never
// authenticated, so one junk or spoofed datagram from the peer's address could end a session:
//  - a record of an unknown content type (24..63) is taken as an alert and closes the session
//    (found by the seeded fuzz: content type 63 whose length field happened to fit, seed 34);
//  - an alert whose first two bytes look like a known plaintext alert is believed without
//    decryption, even after the handshake (everything is encrypted from then on, RFC 6347 4.1);
//  - a plaintext ClientHello after the handshake restarts it with new keys (renegotiation,
//    which WebRTC never does: a new DTLS session comes with a new transport).
// RFC 6347 4.1.2.7: invalid records are silently discarded. So: unknown content types never pass;
// once the handshake is done, only encrypted (epoch >= 1) handshake and application records pass,
// and an alert counts only when it decrypts with the session's keys.

export const DTLS_HEADER_LENGTH = 13;

export interface DtlsRecord {
  contentType: number;
  version: { major: number; minor: number };
  epoch: number;
  sequenceNumber: number;
  fragment: Buffer;
  /** the whole record, header included */
  raw: Buffer;
}

/** DTLS record content types (RFC 6347 4.1, TLS 1.2's numbers). */
export const CHANGE_CIPHER_SPEC = 20;
export const ALERT = 21;
export const HANDSHAKE = 22;
export const APPLICATION_DATA = 23;

/** The complete records in one datagram (DTLS may pack several); a truncated tail is left out. */
export function splitRecords(datagram: Buffer): { records: DtlsRecord[]; truncated: boolean } {
  const records: DtlsRecord[] = [];
  let at = 0;
  while (at < datagram.length) {
    if (datagram.length - at < DTLS_HEADER_LENGTH) return { records, truncated: true };
    const length = datagram.readUInt16BE(at + 11);
    const end = at + DTLS_HEADER_LENGTH + length;
    if (end > datagram.length) return { records, truncated: true };
    records.push({
      contentType: datagram[at],
      version: { major: datagram[at + 1], minor: datagram[at + 2] },
      epoch: datagram.readUInt16BE(at + 3),
      sequenceNumber: datagram.readUIntBE(at + 5, 6),
      fragment: datagram.subarray(at + DTLS_HEADER_LENGTH, end),
      raw: datagram.subarray(at, end),
    });
    at = end;
  }
  return { records, truncated: false };
}

export type RecordVerdict =
  | { kind: 'pass' }
  | { kind: 'drop'; reason: string }
  /** an authenticated alert from the peer: level 1 warning, 2 fatal; description 0 is close_notify */
  | { kind: 'alert'; level: number; description: number };

/**
 * What to do with one record. `decrypt` returns the plaintext of an encrypted record, or throws
 * when it does not authenticate (AEAD tag).
 */
export function judgeRecord(
  record: DtlsRecord,
  handshakeDone: boolean,
  decrypt: (r: DtlsRecord) => Buffer,
): RecordVerdict {
  const type = record.contentType;
  if (type < CHANGE_CIPHER_SPEC || type > APPLICATION_DATA) return { kind: 'drop', reason: 'dtls-unknown-type' };
  if (!handshakeDone) return { kind: 'pass' };
  if (record.epoch === 0) return { kind: 'drop', reason: 'dtls-plaintext-after-handshake' };
  if (type === CHANGE_CIPHER_SPEC) return { kind: 'drop', reason: 'dtls-plaintext-after-handshake' };
  if (type !== ALERT) return { kind: 'pass' };
  let plain: Buffer;
  try {
    plain = decrypt(record);
  } catch {
    return { kind: 'drop', reason: 'dtls-bad-alert' };
  }
  if (plain.length !== 2) return { kind: 'drop', reason: 'dtls-bad-alert' };
  return { kind: 'alert', level: plain[0], description: plain[1] };
}
