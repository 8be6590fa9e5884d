/** Profiles, key lengths, DTLS-SRTP keying material layout (RFC 3711, RFC 5764, RFC 7714). */

export type SrtpProfile =
  | 'AES_CM_128_HMAC_SHA1_80'
  | 'AES_CM_128_HMAC_SHA1_32'
  | 'AEAD_AES_128_GCM'
  | 'AEAD_AES_256_GCM';

export interface SrtpKeys {
  profile: SrtpProfile;
  masterKey: Buffer;
  masterSalt: Buffer;
}

export type SrtpErrorReason = 'too-short' | 'auth-failed' | 'replayed' | 'too-old' | 'bad-version';

export class SrtpError extends Error {
  readonly reason: SrtpErrorReason;
  constructor(reason: SrtpErrorReason, detail?: string) {
    super(detail ? `SRTP ${reason}: ${detail}` : `SRTP ${reason}`);
    this.name = 'SrtpError';
    this.reason = reason;
  }
}

/**
 * Master key / master salt lengths and the SRTP auth tag length in bytes.
 * (For the HMAC profiles the SRTCP tag is always 10 bytes, RFC 5764 4.1.2; for GCM it is 16.)
 */
export function keyLengths(profile: SrtpProfile): { key: number; salt: number; tag: number } {
  switch (profile) {
    case 'AES_CM_128_HMAC_SHA1_80':
      return { key: 16, salt: 14, tag: 10 };
    case 'AES_CM_128_HMAC_SHA1_32':
      return { key: 16, salt: 14, tag: 4 };
    case 'AEAD_AES_128_GCM':
      return { key: 16, salt: 12, tag: 16 };
    case 'AEAD_AES_256_GCM':
      return { key: 32, salt: 12, tag: 16 };
    default:
      throw new RangeError(`unknown SRTP profile ${String(profile)}`);
  }
}

/** DTLS-SRTP protection profile ids: RFC 5764 4.1.2 (0x0001, 0x0002) and RFC 7714 14.2 (0x0007, 0x0008). */
export function profileFromDtlsId(id: number): SrtpProfile {
  switch (id) {
    case 0x0001:
      return 'AES_CM_128_HMAC_SHA1_80';
    case 0x0002:
      return 'AES_CM_128_HMAC_SHA1_32';
    case 0x0007:
      return 'AEAD_AES_128_GCM';
    case 0x0008:
      return 'AEAD_AES_256_GCM';
    default:
      throw new RangeError(`unsupported DTLS-SRTP protection profile 0x${id.toString(16).padStart(4, '0')}`);
  }
}

/**
 * Split the DTLS exporter output ("EXTRACTOR-dtls_srtp") per RFC 5764 4.2:
 * client_write_SRTP_master_key | server_write_SRTP_master_key | client_write_SRTP_master_salt | server_write_SRTP_master_salt.
 * `local` is what this side protects with, `remote` what it unprotects with.
 */
export function srtpKeysFromDtls(
  material: Buffer,
  profile: SrtpProfile,
  isClient: boolean,
): { local: SrtpKeys; remote: SrtpKeys } {
  const { key, salt } = keyLengths(profile);
  const need = 2 * (key + salt);
  if (material.length < need) {
    throw new RangeError(`DTLS-SRTP keying material too short for ${profile}: ${material.length} < ${need}`);
  }
  const clientKey = Buffer.from(material.subarray(0, key));
  const serverKey = Buffer.from(material.subarray(key, 2 * key));
  const clientSalt = Buffer.from(material.subarray(2 * key, 2 * key + salt));
  const serverSalt = Buffer.from(material.subarray(2 * key + salt, 2 * key + 2 * salt));
  const client: SrtpKeys = { profile, masterKey: clientKey, masterSalt: clientSalt };
  const server: SrtpKeys = { profile, masterKey: serverKey, masterSalt: serverSalt };
  return isClient ? { local: client, remote: server } : { local: server, remote: client };
}
