// `parley doctor` check "certificate".
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { parseSubjectAltName, uncoveredNames, webAddresses } from '../net.js';
import { type CheckResult, type DoctorContext, reachFrom, urlHost, fail, ok } from '../context.js';

// Certificate --------------------------------------------------------------------------------------
const DAY = 24 * 3600 * 1000;

export async function checkCertificate(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const dir = join(ctx.dataDir, 'certs');
  const certPath = join(dir, 'cert.pem');
  const caPath = join(dir, 'ca.pem');
  const reissue = `restart \`npm start\`: it re-issues ${certPath} from ${caPath} for this machine's addresses and names`;
  const trust = `browsers must trust ${caPath} (README: "Trusting the local certificate")`;
  const certPem = io.readFile(certPath);
  const caPem = io.readFile(caPath);
  if (!certPem || !caPem)
    return fail(
      'certificate',
      `missing ${!certPem ? certPath : caPath}`,
      `run \`npm start\` once with --data-dir ${ctx.dataDir}: it creates the local CA and the server certificate`,
    );
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
    ca = new X509Certificate(caPem);
  } catch (e) {
    return fail(
      'certificate',
      `${certPath} or ${caPath} is unreadable: ${(e as Error).message}`,
      `move ${dir} away and ${reissue.replace('restart ', 'run ')}`,
    );
  }
  const now = io.now();
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) problems.push(`${certPath} is not signed by ${caPath}`);
  const notAfter = new Date(cert.validTo);
  const notBefore = new Date(cert.validFrom);
  if (notAfter.getTime() <= now.getTime()) problems.push(`${certPath} expired on ${notAfter.toISOString()}`);
  else if (notAfter.getTime() - now.getTime() < 30 * DAY)
    warnings.push(
      `${certPath} expires in ${Math.floor((notAfter.getTime() - now.getTime()) / DAY)} days (${notAfter.toISOString()})`,
    );
  if (notBefore.getTime() > now.getTime())
    problems.push(`${certPath} is not valid before ${notBefore.toISOString()} (is the clock right?)`);
  if (new Date(ca.validTo).getTime() <= now.getTime())
    problems.push(`${caPath} expired on ${new Date(ca.validTo).toISOString()}`);
  const need = { dns: [io.hostname()], ips: webAddresses(c.webBind, io.interfaces()) };
  const missing = uncoveredNames(parseSubjectAltName(cert.subjectAltName), need);
  if (missing.length)
    problems.push(`${certPath} does not cover ${missing.join(', ')} (browsers opening those get a certificate error)`);
  const host = reachFrom(c.webBind);
  let live = '';
  try {
    const fp = await io.peerFingerprint(host, c.httpsPort, ctx.timeoutMs);
    if (fp !== cert.fingerprint256)
      problems.push(
        `https://${urlHost(host)}:${c.httpsPort} presents a different certificate (${fp.slice(0, 23)}...) than ${certPath} (${cert.fingerprint256.slice(0, 23)}...)`,
      );
    else live = `, served on :${c.httpsPort}`;
  } catch (e) {
    warnings.push(
      `could not compare with the certificate https://${urlHost(host)}:${c.httpsPort} presents (${(e as Error).message})`,
    );
  }
  if (problems.length) return fail('certificate', [...problems, ...warnings].join('; '), `${reissue}; ${trust}`);
  const base = `${certPath} signed by ca.pem, valid until ${notAfter.toISOString().slice(0, 10)}, covers ${[...need.ips, ...need.dns].join(', ')}${live}`;
  if (warnings.length)
    return { id: 'certificate', status: 'warn', summary: `${base}; ${warnings.join('; ')}`, fix: reissue };
  return ok('certificate', base);
}
