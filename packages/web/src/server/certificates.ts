// A local certificate authority and a server certificate signed by it, so browsers on the private
// network get a secure context (getUserMedia) once they trust ca.pem. @peculiar/x509 over WebCrypto.
import { X509Certificate as NodeX509, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface Certificates {
  caCertPem: string;
  certPem: string;
  keyPem: string;
  caPath: string;
  certPath: string;
  keyPath: string;
  /** True when this call wrote a new server certificate (and maybe a new CA). */
  created: boolean;
}

export interface CertificateRequest {
  hostnames: string[];
  addresses: string[];
  /** Server certificate lifetime; default 825 days (the most Apple platforms accept). */
  validDays?: number;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;
const CA_DAYS = 3650;
/** Reuse a certificate only while it stays valid this much longer. */
const MIN_REMAINING = 30 * DAY;

/** Names and addresses a server certificate covers: the requested ones plus loopback. */
export function certificateNames(o: CertificateRequest): { dns: string[]; ips: string[] } {
  const dns = new Set<string>();
  const ips = new Set<string>();
  for (const h of [...o.hostnames, 'localhost']) {
    const name = h.trim().toLowerCase().replace(/\.$/, '');
    if (!name) continue;
    if (isIP(name)) ips.add(name);
    else dns.add(name);
  }
  for (const a of [...o.addresses, '127.0.0.1', '::1']) {
    const ip = a
      .trim()
      .replace(/^\[|\]$/g, '')
      .replace(/%.*$/, '')
      .toLowerCase();
    if (!isIP(ip)) throw new Error(`certificates: "${a}" is not an IP address`);
    ips.add(ip);
  }
  return { dns: [...dns], ips: [...ips] };
}

function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f; // positive
  b[0] |= 0x01; // no leading zero byte
  return b.toString('hex');
}

function keyToPem(pkcs8: ArrayBuffer): string {
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n';
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return (await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign'])) as unknown as CryptoKey;
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

async function createCa(now: Date): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: [`Parley local CA ${hostname()}`] }, { O: ['Parley'] }],
    notBefore: new Date(now.getTime() - 3600 * 1000),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey };
}

async function createServerCert(
  ca: { cert: x509.X509Certificate; key: CryptoKey },
  names: { dns: string[]; ips: string[] },
  cn: string,
  validDays: number,
  now: Date,
): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const notAfter = new Date(Math.min(now.getTime() + validDays * DAY, ca.cert.notAfter.getTime()));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: [{ CN: [cn] }, { O: ['Parley'] }],
    issuer: ca.cert.subject,
    notBefore: new Date(now.getTime() - 3600 * 1000),
    notAfter,
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = (await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) as ArrayBuffer;
  return { certPem: cert.toString('pem') + '\n', keyPem: keyToPem(pkcs8) };
}

function readIf(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Why the existing server certificate cannot be reused, or undefined when it can. */
export function serverCertProblem(
  certPem: string,
  caPem: string,
  names: { dns: string[]; ips: string[] },
  now = new Date(),
): string | undefined {
  let cert: NodeX509;
  let ca: NodeX509;
  try {
    cert = new NodeX509(certPem);
    ca = new NodeX509(caPem);
  } catch (e) {
    return `unreadable: ${(e as Error).message}`;
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'not signed by the current CA';
  if (new Date(cert.validTo).getTime() - now.getTime() < MIN_REMAINING) return 'expires within 30 days';
  for (const d of names.dns) if (cert.checkHost(d, { wildcards: false }) !== d) return `does not cover ${d}`;
  for (const ip of names.ips) if (!cert.checkIP(ip)) return `does not cover ${ip}`;
  return undefined;
}

/**
 * Makes sure `dir` holds ca.pem/ca-key.pem (local CA, 10 years) and cert.pem/key.pem (server
 * certificate covering every hostname and address asked for, plus localhost, 127.0.0.1 and ::1).
 * Reuses what is there when still good; re-issues the server certificate from the same CA when a
 * name is missing or it nears expiry; makes a new CA only when ca.pem or its key is missing or
 * the CA expires.
 */
export async function ensureCertificates(dir: string, o: CertificateRequest): Promise<Certificates> {
  const validDays = o.validDays ?? 825;
  if (!Number.isFinite(validDays) || validDays < 1)
    throw new Error(`certificates: validDays must be >= 1, got ${validDays}`);
  const names = certificateNames(o);
  const cn = names.dns.find((d) => d !== 'localhost') ?? o.hostnames[0] ?? 'localhost';
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca-key.pem');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const now = new Date();

  let caPem = readIf(caPath);
  const caKeyPem = readIf(caKeyPath);
  let ca: { cert: x509.X509Certificate; key: CryptoKey } | undefined;
  if (caPem && caKeyPem) {
    try {
      const cert = new x509.X509Certificate(caPem);
      if (cert.notAfter.getTime() - now.getTime() > MIN_REMAINING) ca = { cert, key: await importKeyPem(caKeyPem) };
    } catch {
      ca = undefined;
    }
  }
  let created = false;
  if (!ca) {
    ca = await createCa(now);
    caPem = ca.cert.toString('pem') + '\n';
    const pkcs8 = (await webcrypto.subtle.exportKey('pkcs8', ca.key)) as ArrayBuffer;
    writeSecret(caKeyPath, keyToPem(pkcs8));
    writeFileSync(caPath, caPem);
    created = true;
  }
  const caCertPem = caPem as string;

  let certPem = readIf(certPath);
  let keyPem = readIf(keyPath);
  if (created || !certPem || !keyPem || serverCertProblem(certPem, caCertPem, names, now)) {
    const issued = await createServerCert(ca, names, cn, validDays, now);
    certPem = issued.certPem;
    keyPem = issued.keyPem;
    writeSecret(keyPath, keyPem);
    writeFileSync(certPath, certPem);
    created = true;
  }
  return { caCertPem, certPem, keyPem, caPath, certPath, keyPath, created };
}
