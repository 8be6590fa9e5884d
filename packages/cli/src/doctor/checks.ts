// The checks of `parley doctor`: each takes the settings `parley start` was given and an I/O
// object, and answers ok / warn / fail with, for anything not ok, the exact fix.
import { X509Certificate, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { guestDomainOf } from '@parley/xmpp-config';
import type { StartConfig } from '../start-config.js';
import type { DoctorIO } from './io.js';
import {
  canonicalIp,
  droppedCount,
  isLocalAddress,
  isLoopback,
  isPrivate,
  isUnspecified,
  parseSubjectAltName,
  scanForForeignHosts,
  stunBindingRequest,
  uncoveredNames,
  webAddresses,
  type Finding,
  type HostContext,
} from './net.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  id: string;
  status: CheckStatus;
  summary: string;
  fix?: string;
}

export interface BridgeHealth {
  healthy: boolean;
  udpPort?: number;
  tcpPort?: number;
  advertise?: string[];
}

export interface DoctorContext {
  config: StartConfig;
  /** Absolute data dir. */
  dataDir: string;
  io: DoctorIO;
  /** Bound of each network wait. */
  timeoutMs: number;
  /** The bridge's /health (memoized by makeContext), or why it could not be read. */
  bridgeHealth(): Promise<BridgeHealth | string>;
}

export function makeContext(config: StartConfig, dataDir: string, io: DoctorIO, timeoutMs = 3000): DoctorContext {
  let health: Promise<BridgeHealth | string> | undefined;
  const ctx: DoctorContext = {
    config,
    dataDir,
    io,
    timeoutMs,
    bridgeHealth: () =>
      (health ??= io.request(bridgeUrl(config, '/health'), { timeoutMs }).then(
        (r) => {
          try {
            const body = JSON.parse(r.body) as BridgeHealth;
            return r.status === 200 || r.status === 503 ? body : `HTTP ${r.status}`;
          } catch {
            return `HTTP ${r.status}, not JSON`;
          }
        },
        (e: Error) => e.message,
      )),
  };
  return ctx;
}

/** The address to reach a service bound to `bind` from this machine. */
export function reachFrom(bind: string): string {
  if (isUnspecified(bind)) return bind.includes(':') ? '::1' : '127.0.0.1';
  return canonicalIp(bind) ?? bind;
}

const urlHost = (h: string) => (h.includes(':') ? `[${h}]` : h);
const bridgeUrl = (c: StartConfig, path: string) => `http://127.0.0.1:${c.bridgeHttpPort}${path}`;
const focusUrl = (c: StartConfig, path: string) => `http://127.0.0.1:${c.focusHttpPort}${path}`;
export const webOrigin = (c: StartConfig) => `https://${urlHost(reachFrom(c.webBind))}:${c.httpsPort}`;
const prosodyDir = (ctx: DoctorContext) => join(ctx.dataDir, 'prosody');

const NGINX = 'proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";';

function localAddressList(io: DoctorIO): string[] {
  return io.interfaces().map((a) => a.address);
}

// 1. Prosody --------------------------------------------------------------------------------------
export async function checkProsody(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const host = reachFrom(c.bind);
  const ports: [string, number, string][] = [
    ['c2s', c.xmppPort, '--xmpp-port'],
    ['HTTP', c.xmppHttpPort, '--xmpp-http-port'],
    ['component', c.componentPort, '--component-port'],
  ];
  const answers = await Promise.all(ports.map(([, p]) => io.tcpConnect(host, p, ctx.timeoutMs)));
  const pidPath = join(prosodyDir(ctx), 'prosody.pid');
  const pidText = io.readFile(pidPath);
  const pid = Number(pidText?.trim());
  const alive = Number.isInteger(pid) && pid > 0 && io.pidAlive(pid);
  const closed = ports
    .map(([name, p, flag], i) => (answers[i] ? `${name} ${host}:${p} (${flag}): ${answers[i]}` : ''))
    .filter(Boolean);
  const logs = `${join(prosodyDir(ctx), 'prosody.log')} and ${join(prosodyDir(ctx), 'prosody.console.log')}`;
  if (closed.length === 0 && alive) {
    return {
      id: 'prosody',
      status: 'ok',
      summary: `Prosody (pid ${pid}) accepts c2s ${host}:${c.xmppPort}, HTTP :${c.xmppHttpPort}, component :${c.componentPort}`,
    };
  }
  const problems: string[] = [];
  if (!pidText) problems.push(`no ${pidPath}: Prosody was not started with this data dir`);
  else if (!alive) problems.push(`Prosody's pid ${pidText.trim()} (from ${pidPath}) is not running`);
  if (closed.length) problems.push(`not accepting TCP: ${closed.join('; ')}`);
  const fix = alive
    ? `Prosody runs but not on these ports: give doctor the same flags as \`npm start\` (--bind, --xmpp-port, --xmpp-http-port, --component-port); the ports it uses are in ${join(prosodyDir(ctx), 'prosody.cfg.lua')}`
    : `start the stack: \`npm start\` (with the same flags you give doctor); if Prosody does not come up, read ${logs}`;
  return { id: 'prosody', status: 'fail', summary: problems.join('; '), fix };
}

// 2. Focus and bridge -----------------------------------------------------------------------------
export async function checkComponents(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const problems: string[] = [];
  const fixes: string[] = [];
  const parts: string[] = [];
  const fUrl = focusUrl(c, '/health');
  try {
    const r = await io.request(fUrl, { timeoutMs: ctx.timeoutMs });
    let bridges = NaN;
    try {
      bridges = Number((JSON.parse(r.body) as { bridges?: unknown }).bridges);
    } catch {
      /* reported below */
    }
    if (r.status === 200 && bridges >= 1)
      parts.push(`focus ${fUrl} healthy with ${bridges} bridge${bridges === 1 ? '' : 's'}`);
    else {
      problems.push(
        `focus ${fUrl} answered ${r.status} with ${Number.isNaN(bridges) ? 'no bridge count' : `${bridges} bridges`}`,
      );
      fixes.push(
        `the focus has no bridge in the brewery (jvbbrewery@internal.auth.${c.domain}): the bridge is down or cannot log in to Prosody on 127.0.0.1:${c.xmppPort}; restart \`npm start\` and read the bridge's log lines (JSON, "service":"bridge") on its stderr`,
      );
    }
  } catch (e) {
    problems.push(`focus ${fUrl} does not answer (${(e as Error).message})`);
    fixes.push(
      `the focus (--focus-http-port ${c.focusHttpPort}) is down: restart \`npm start\`; its log lines are the JSON lines with "service":"focus" on npm start's stderr`,
    );
  }
  const bUrl = bridgeUrl(c, '/health');
  const h = await ctx.bridgeHealth();
  if (typeof h === 'string') {
    problems.push(`bridge ${bUrl} does not answer (${h})`);
    fixes.push(
      `the bridge (--bridge-http-port ${c.bridgeHttpPort}) is down: restart \`npm start\`; its log lines are the JSON lines with "service":"bridge" on npm start's stderr`,
    );
  } else if (!h.healthy) {
    problems.push(`bridge ${bUrl} reports unhealthy`);
    fixes.push(
      `the bridge (--bridge-http-port ${c.bridgeHttpPort}) is unhealthy: see ${bridgeUrl(c, '/debug/conferences')} and its log on npm start's stderr`,
    );
  } else parts.push(`bridge ${bUrl} healthy`);
  if (problems.length === 0) return { id: 'components', status: 'ok', summary: parts.join('; ') };
  return { id: 'components', status: 'fail', summary: problems.join('; '), fix: fixes.join('; ') };
}

// 3. WebSocket through the web server --------------------------------------------------------------
/** Where guests log in anonymously: guest.<domain> with --auth login, else the main domain. */
const guestDomain = (c: StartConfig) => guestDomainOf(c.domain, c.auth);

export const wsUntil = (t: string) => /<\/(stream:)?features>|<(stream:)?features[^>]*\/>/.test(t);

/** Judges the answer of the XMPP-over-WebSocket handshake (pure). */
export function judgeWebSocket(
  c: StartConfig,
  url: string,
  r: { status: number; headers: Record<string, string>; text: string; error?: string } | Error,
): CheckResult {
  const id = 'websocket';
  const prosodyFix = `Prosody is not reachable from the web server at 127.0.0.1:${c.xmppHttpPort}: start it (\`npm start\`), or make --xmpp-http-port match http_ports in <data dir>/prosody/prosody.cfg.lua`;
  const proxyFix = `a proxy in front of the web server strips the Upgrade/Connection headers or routes /xmpp-websocket elsewhere: in nginx, location /xmpp-websocket { proxy_pass https://127.0.0.1:${c.httpsPort}; ${NGINX} }`;
  if (r instanceof Error) {
    return {
      id,
      status: 'fail',
      summary: `${url}: cannot connect (${r.message})`,
      fix: `the web app is not listening there: start it with \`npm start\`, or give doctor the --https-port/--web-bind it runs with`,
    };
  }
  if (r.status === 502 || r.status === 503 || r.status === 504)
    return {
      id,
      status: 'fail',
      summary: `${url}: HTTP ${r.status} instead of 101 (${r.text.trim().split('\n')[0]})`,
      fix: prosodyFix,
    };
  if (r.status !== 101)
    return {
      id,
      status: 'fail',
      summary: `${url}: HTTP ${r.status || '(no status)'} instead of 101 Switching Protocols`,
      fix: proxyFix,
    };
  if (r.error && !wsUntil(r.text)) {
    return {
      id,
      status: 'fail',
      summary: `${url}: upgraded, but the XMPP open got no stream features: ${r.error}${r.text ? `; got ${r.text.slice(0, 240)}` : ''}`,
      fix: `Prosody must serve the domain doctor opens (${guestDomain(c)}): give doctor the --domain \`npm start\` runs with; see ${'<data dir>'}/prosody/prosody.log`,
    };
  }
  if (!/<mechanism>\s*ANONYMOUS\s*<\/mechanism>/.test(r.text)) {
    return {
      id,
      status: 'fail',
      summary: `${url}: stream features offer no ANONYMOUS login (guests cannot join)`,
      fix: `VirtualHost "${guestDomain(c)}" needs authentication = "anonymous" in <data dir>/prosody/prosody.cfg.lua: restart \`npm start\` to rewrite it`,
    };
  }
  if ((r.headers['sec-websocket-protocol'] ?? '').toLowerCase() !== 'xmpp') {
    return {
      id,
      status: 'warn',
      summary: `${url}: upgraded and offers ANONYMOUS, but the answer lacks "Sec-WebSocket-Protocol: xmpp" (browsers close such a socket)`,
      fix: `a proxy drops the Sec-WebSocket-Protocol header: pass it through (nginx: proxy_set_header Sec-WebSocket-Protocol $http_sec_websocket_protocol;)`,
    };
  }
  return { id, status: 'ok', summary: `${url}: 101, XMPP stream features offer ANONYMOUS` };
}

export async function checkWebSocket(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c } = ctx;
  const host = reachFrom(c.webBind);
  const url = `wss://${urlHost(host)}:${c.httpsPort}/xmpp-websocket`;
  const r = await ctx.io
    .wsProbe({
      host,
      port: c.httpsPort,
      path: '/xmpp-websocket',
      protocol: 'xmpp',
      send: `<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${guestDomain(c)}" version="1.0"/>`,
      until: wsUntil,
      timeoutMs: ctx.timeoutMs,
    })
    .catch((e: Error) => e);
  const out = judgeWebSocket(c, url, r);
  if (out.fix) out.fix = out.fix.replaceAll('<data dir>', ctx.dataDir);
  return out;
}

// 4. BOSH ----------------------------------------------------------------------------------------------
export async function checkBosh(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const url = `${webOrigin(c)}/http-bind`;
  const rid = 1_000_000 + (randomBytes(4).readUInt32BE(0) % 1_000_000_000);
  const body = `<body content="text/xml; charset=utf-8" hold="1" rid="${rid}" to="${guestDomain(c)}" ver="1.6" wait="10" xml:lang="en" xmlns="http://jabber.org/protocol/httpbind" xmlns:xmpp="urn:xmpp:xbosh" xmpp:version="1.0"/>`;
  let r: Awaited<ReturnType<typeof io.request>>;
  try {
    r = await io.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8' },
      body,
      timeoutMs: ctx.timeoutMs,
    });
  } catch (e) {
    return {
      id: 'bosh',
      status: 'fail',
      summary: `POST ${url}: ${(e as Error).message}`,
      fix: 'the web app is not answering: start it with `npm start`, or give doctor the --https-port/--web-bind it runs with',
    };
  }
  const sid = /<body\b[^>]*\bsid=["']([^"']+)["']/.exec(r.body)?.[1];
  if (r.status === 200 && sid) {
    // End the session we opened (best effort, bounded).
    await io
      .request(url, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8' },
        body: `<body rid="${rid + 1}" sid="${sid}" type="terminate" xmlns="http://jabber.org/protocol/httpbind"/>`,
        timeoutMs: ctx.timeoutMs,
      })
      .catch(() => {});
    return { id: 'bosh', status: 'ok', summary: `POST ${url}: 200, BOSH session created` };
  }
  if (r.status === 502 || r.status === 503 || r.status === 504) {
    return {
      id: 'bosh',
      status: 'fail',
      summary: `POST ${url}: HTTP ${r.status}`,
      fix: `Prosody is not reachable from the web server at 127.0.0.1:${c.xmppHttpPort}: start it (\`npm start\`), or make --xmpp-http-port match http_ports in ${join(prosodyDir(ctx), 'prosody.cfg.lua')}`,
    };
  }
  const condition = /\bcondition=["']([^"']+)["']/.exec(r.body)?.[1];
  if (r.status === 200 && condition) {
    return {
      id: 'bosh',
      status: 'fail',
      summary: `POST ${url}: Prosody refused the session (${condition})`,
      fix: `give doctor the --domain \`npm start\` runs with (it opened ${guestDomain(c)})`,
    };
  }
  return {
    id: 'bosh',
    status: 'fail',
    summary: `POST ${url}: HTTP ${r.status}, no <body sid=...>`,
    fix: `a proxy routes /http-bind elsewhere: in nginx, location /http-bind { proxy_pass https://127.0.0.1:${c.httpsPort}; }`,
  };
}

// 5. Certificate --------------------------------------------------------------------------------------
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
    return {
      id: 'certificate',
      status: 'fail',
      summary: `missing ${!certPem ? certPath : caPath}`,
      fix: `run \`npm start\` once with --data-dir ${ctx.dataDir}: it creates the local CA and the server certificate`,
    };
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
    ca = new X509Certificate(caPem);
  } catch (e) {
    return {
      id: 'certificate',
      status: 'fail',
      summary: `${certPath} or ${caPath} is unreadable: ${(e as Error).message}`,
      fix: `move ${dir} away and ${reissue.replace('restart ', 'run ')}`,
    };
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
  if (problems.length)
    return {
      id: 'certificate',
      status: 'fail',
      summary: [...problems, ...warnings].join('; '),
      fix: `${reissue}; ${trust}`,
    };
  const base = `${certPath} signed by ca.pem, valid until ${notAfter.toISOString().slice(0, 10)}, covers ${[...need.ips, ...need.dns].join(', ')}${live}`;
  if (warnings.length)
    return { id: 'certificate', status: 'warn', summary: `${base}; ${warnings.join('; ')}`, fix: reissue };
  return { id: 'certificate', status: 'ok', summary: base };
}

// 6-8. Bridge addresses and ports ---------------------------------------------------------------------
/** What browsers are told: the flags' list (or the bridge's default), plus what the running bridge reports. */
export async function advertisedAddresses(ctx: DoctorContext): Promise<{ address: string; source: string }[]> {
  const out: { address: string; source: string }[] = [];
  const add = (address: string, source: string) => {
    const a = canonicalIp(address) ?? address;
    if (!out.some((x) => x.address === a)) out.push({ address: a, source });
  };
  for (const a of ctx.config.advertise) add(a, '--advertise / PARLEY_ADVERTISE');
  const h = await ctx.bridgeHealth();
  if (typeof h !== 'string')
    for (const a of h.advertise ?? []) add(a, `the running bridge (${bridgeUrl(ctx.config, '/health')})`);
  if (out.length === 0) {
    for (const i of ctx.io.interfaces())
      if (!i.internal && !/^fe80:/i.test(i.address)) add(i.address, 'the default (every non-loopback address)');
  }
  return out;
}

export async function checkAdvertise(ctx: DoctorContext): Promise<CheckResult> {
  const list = await advertisedAddresses(ctx);
  const local = localAddressList(ctx.io);
  if (list.length === 0)
    return {
      id: 'advertise',
      status: 'fail',
      summary: 'the bridge advertises no address: browsers get no media candidate',
      fix: 'set PARLEY_ADVERTISE / --advertise to the address browsers reach this machine at',
    };
  const foreign = list.filter((a) => !isLocalAddress(a.address, local));
  if (foreign.length) {
    return {
      id: 'advertise',
      status: 'fail',
      summary: foreign
        .map(
          (a) =>
            `the bridge tells browsers to send media to ${a.address} (from ${a.source}), which is not an address of this machine (NAT/docker?)`,
        )
        .join('; '),
      fix: `set PARLEY_ADVERTISE / --advertise to the address browsers reach (this machine has ${local.filter((l) => !isLoopback(l) && !/^fe80:/i.test(l)).join(', ') || 'only loopback'}), then restart \`npm start\``,
    };
  }
  const all = list.map((a) => a.address).join(', ');
  if (list.every((a) => isLoopback(a.address))) {
    const lan = local.filter((l) => !isLoopback(l) && !/^fe80:/i.test(l));
    return {
      id: 'advertise',
      status: 'warn',
      summary: `the bridge advertises only loopback (${all}): only browsers on this machine get media`,
      fix: `for other machines, set --advertise / PARLEY_ADVERTISE to this machine's LAN address${lan.length ? ` (${lan.join(', ')})` : ''}`,
    };
  }
  return { id: 'advertise', status: 'ok', summary: `the bridge advertises ${all}, all addresses of this machine` };
}

/** Sends STUN Binding requests with an unknown ufrag to each local advertised address and watches the bridge count them. */
export async function checkMediaPort(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const port = c.mediaPort;
  const fix = `open UDP ${port} in the firewall (\`ufw allow ${port}/udp\` or \`firewall-cmd --add-port=${port}/udp --permanent && firewall-cmd --reload\`), and ICE-TCP ${c.tcpPort} (\`ufw allow ${c.tcpPort}/tcp\`) for networks that block UDP`;
  const h = await ctx.bridgeHealth();
  if (typeof h === 'string')
    return {
      id: 'media',
      status: 'fail',
      summary: `cannot test UDP ${port}: the bridge's ${bridgeUrl(c, '/health')} does not answer (${h})`,
      fix: 'start the bridge: restart `npm start` (see the components check)',
    };
  const mismatch =
    h.udpPort !== undefined && h.udpPort !== port
      ? ` (the running bridge says its media port is UDP ${h.udpPort}: give doctor --media-port ${h.udpPort}, or restart \`npm start\` with --media-port ${port})`
      : '';
  const list = await advertisedAddresses(ctx);
  const local = localAddressList(io);
  const targets = list.filter((a) => isLocalAddress(a.address, local)).map((a) => a.address);
  const skipped = list.filter((a) => !isLocalAddress(a.address, local)).map((a) => a.address);
  const skipNote = skipped.length ? `; not sent to ${skipped.join(', ')} (not local, see advertise)` : '';
  if (targets.length === 0)
    return {
      id: 'media',
      status: 'warn',
      summary: `no advertised address is on this machine, so UDP ${port} was not tested${skipNote}`,
      fix: 'fix the advertise check first',
    };
  const metrics = async () =>
    droppedCount((await io.request(bridgeUrl(c, '/metrics'), { timeoutMs: ctx.timeoutMs })).body, 'stun-unknown-ufrag');
  const reached: string[] = [];
  const lost: string[] = [];
  for (const t of targets) {
    let before: number;
    try {
      before = await metrics();
    } catch (e) {
      return {
        id: 'media',
        status: 'fail',
        summary: `cannot read ${bridgeUrl(c, '/metrics')}: ${(e as Error).message}`,
        fix: 'restart `npm start` (see the components check)',
      };
    }
    let ok = false;
    const deadline = Date.now() + ctx.timeoutMs;
    for (let attempt = 0; !ok && Date.now() < deadline; attempt++) {
      if (attempt < 5)
        await io.udpSend(t, port, stunBindingRequest(`doctor${randomBytes(6).toString('hex')}:probe`)).catch(() => {});
      await io.sleep(100);
      ok = (await metrics().catch(() => before)) > before;
    }
    (ok ? reached : lost).push(`${urlHost(t)}:${port}`);
  }
  if (lost.length) {
    return {
      id: 'media',
      status: 'fail',
      summary: `STUN to UDP ${lost.join(', ')} never reached the bridge (its stun-unknown-ufrag counter did not move)${mismatch}${skipNote}`,
      fix,
    };
  }
  return {
    id: 'media',
    status: 'ok',
    summary: `STUN to UDP ${reached.join(', ')} reaches the bridge${mismatch}${skipNote}`,
  };
}

export async function checkIceTcp(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const local = localAddressList(io);
  const targets = (await advertisedAddresses(ctx))
    .filter((a) => isLocalAddress(a.address, local))
    .map((a) => a.address);
  if (targets.length === 0) targets.push('127.0.0.1');
  const answers = await Promise.all(targets.map((t) => io.tcpConnect(t, c.tcpPort, ctx.timeoutMs)));
  const bad = targets.map((t, i) => (answers[i] ? `${urlHost(t)}:${c.tcpPort} (${answers[i]})` : '')).filter(Boolean);
  if (bad.length) {
    const h = await ctx.bridgeHealth();
    const hint =
      typeof h !== 'string' && h.tcpPort !== undefined && h.tcpPort !== c.tcpPort
        ? `; the running bridge says its ICE-TCP port is ${h.tcpPort}: give doctor --tcp-port ${h.tcpPort}`
        : '';
    return {
      id: 'ice-tcp',
      status: 'fail',
      summary: `ICE-TCP fallback does not accept connections on ${bad.join(', ')}`,
      fix: `start the bridge (\`npm start\`) and open TCP ${c.tcpPort} (\`ufw allow ${c.tcpPort}/tcp\` or \`firewall-cmd --add-port=${c.tcpPort}/tcp --permanent\`)${hint}`,
    };
  }
  return {
    id: 'ice-tcp',
    status: 'ok',
    summary: `ICE-TCP ${targets.map((t) => `${urlHost(t)}:${c.tcpPort}`).join(', ')} accepts connections`,
  };
}

// 9. Clock and time zone ------------------------------------------------------------------------------
export function utcOffset(minutesWest: number): string {
  const m = -minutesWest;
  const sign = m >= 0 ? '+' : '-';
  const a = Math.abs(m);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export async function checkClock(ctx: DoctorContext): Promise<CheckResult> {
  const { io } = ctx;
  const now = io.now();
  const tz = io.env('TZ');
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const summary = `system time ${now.toISOString()}, ${utcOffset(now.getTimezoneOffset())}, TZ=${tz ?? '(unset)'}, zone ${zone}`;
  const caPem = io.readFile(join(ctx.dataDir, 'certs', 'ca.pem'));
  if (caPem) {
    try {
      const ca = new X509Certificate(caPem);
      if (new Date(ca.validFrom).getTime() > now.getTime()) {
        return {
          id: 'clock',
          status: 'warn',
          summary: `${summary}; the clock is before the CA's notBefore ${new Date(ca.validFrom).toISOString()}: certificates look not yet valid`,
          fix: 'set the clock (`timedatectl set-ntp true` with a local NTP server, or `date -s`), then restart `npm start`',
        };
      }
    } catch {
      /* the certificate check reports unreadable files */
    }
  }
  if (!tz && !io.exists('/etc/localtime')) {
    return {
      id: 'clock',
      status: 'warn',
      summary: `${summary}; TZ is unset and /etc/localtime is missing: logs are in UTC`,
      fix: 'set the time zone: `TZ=Area/City npm start` (e.g. TZ=Europe/Berlin) or `timedatectl set-timezone Area/City`',
    };
  }
  return { id: 'clock', status: 'ok', summary };
}

// 10. Free ports ----------------------------------------------------------------------------------------
export function configuredPorts(c: StartConfig): { port: number; proto: 'tcp' | 'udp'; host: string; flag: string }[] {
  return [
    { port: c.xmppPort, proto: 'tcp', host: c.bind, flag: '--xmpp-port' },
    { port: c.xmppHttpPort, proto: 'tcp', host: c.bind, flag: '--xmpp-http-port' },
    { port: c.componentPort, proto: 'tcp', host: c.bind, flag: '--component-port' },
    { port: c.focusHttpPort, proto: 'tcp', host: '127.0.0.1', flag: '--focus-http-port' },
    { port: c.bridgeHttpPort, proto: 'tcp', host: '127.0.0.1', flag: '--bridge-http-port' },
    { port: c.mediaPort, proto: 'udp', host: '0.0.0.0', flag: '--media-port' },
    { port: c.tcpPort, proto: 'tcp', host: '0.0.0.0', flag: '--tcp-port' },
    { port: c.httpsPort, proto: 'tcp', host: c.webBind, flag: '--https-port' },
    { port: c.httpPort, proto: 'tcp', host: c.webBind, flag: '--http-port' },
  ];
}

export async function checkPorts(ctx: DoctorContext, stackRunning: boolean): Promise<CheckResult> {
  if (stackRunning)
    return { id: 'ports', status: 'ok', summary: 'skipped: the stack is running, so its ports are in use by it' };
  const pid = Number(ctx.io.readFile(join(prosodyDir(ctx), 'prosody.pid'))?.trim());
  if (Number.isInteger(pid) && pid > 0 && ctx.io.pidAlive(pid))
    return {
      id: 'ports',
      status: 'ok',
      summary: `skipped: Prosody runs (pid ${pid}), so the stack holds its ports (see the prosody check)`,
    };
  const ports = configuredPorts(ctx.config);
  const answers = await Promise.all(ports.map((p) => ctx.io.portTaken(p.proto, p.host, p.port)));
  const taken = ports.map((p, i) => ({ ...p, why: answers[i] })).filter((p) => p.why);
  if (taken.length === 0)
    return {
      id: 'ports',
      status: 'ok',
      summary: `every configured port is free (${ports.map((p) => `${p.port}/${p.proto}`).join(', ')})`,
    };
  const describe = (p: (typeof taken)[number]) => {
    if (p.why === 'EADDRINUSE')
      return `${p.proto.toUpperCase()} ${p.host}:${p.port} (${p.flag}) is taken by another process`;
    if (p.why === 'EACCES')
      return `${p.proto.toUpperCase()} ${p.host}:${p.port} (${p.flag}) needs root (a port below 1024)`;
    if (p.why === 'EADDRNOTAVAIL')
      return `${p.host} is not an address of this machine (${p.flag} ${p.port} cannot listen there)`;
    return `${p.proto.toUpperCase()} ${p.host}:${p.port} (${p.flag}): ${p.why}`;
  };
  const first = taken[0];
  return {
    id: 'ports',
    status: 'fail',
    summary: taken.map(describe).join('; '),
    fix: `stop what holds each port (\`ss -${first.proto === 'udp' ? 'u' : 't'}lnp 'sport = :${first.port}'\` shows the process) or pick another with ${taken.map((p) => `${p.flag} <port>`).join(', ')}`,
  };
}

// 11. No external address in the configuration ----------------------------------------------------------
export function hostContext(ctx: DoctorContext): HostContext {
  const c = ctx.config;
  const configured = [...c.advertise, c.bind, c.webBind].filter((a) => isPrivate(a));
  return { local: localAddressList(ctx.io), configured, domain: c.domain, hostname: ctx.io.hostname() };
}

export async function checkExternal(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const hc = hostContext(ctx);
  const findings: Finding[] = [];
  const scanned: string[] = [];
  const notes: string[] = [];
  const cfgPath = join(prosodyDir(ctx), 'prosody.cfg.lua');
  const cfg = io.readFile(cfgPath);
  const cfgDomain = cfg === undefined ? undefined : /^VirtualHost\s+"([^"]+)"/m.exec(cfg)?.[1];
  if (cfgDomain && cfgDomain !== c.domain) {
    return {
      id: 'external',
      status: 'fail',
      summary: `${cfgPath} is for the domain ${cfgDomain}, but doctor was given --domain ${c.domain}`,
      fix: `give doctor the same --domain (and other flags) as \`npm start\`: --domain ${cfgDomain}`,
    };
  }
  if (cfg === undefined) notes.push(`${cfgPath} not found`);
  else {
    findings.push(...scanForForeignHosts(cfg, cfgPath, hc));
    scanned.push(cfgPath);
  }
  const list = await advertisedAddresses(ctx);
  for (const a of list) {
    const f = scanForForeignHosts(JSON.stringify(a.address), `the bridge's advertise list (${a.source})`, hc);
    findings.push(...f);
  }
  scanned.push("the bridge's advertise list");
  const cfgJsUrl = `${webOrigin(c)}/config.js`;
  try {
    const r = await io.request(cfgJsUrl, { timeoutMs: ctx.timeoutMs });
    if (r.status === 200) {
      findings.push(...scanForForeignHosts(r.body, cfgJsUrl, hc));
      scanned.push(cfgJsUrl);
    } else notes.push(`${cfgJsUrl} answered ${r.status}`);
  } catch (e) {
    notes.push(`${cfgJsUrl}: ${(e as Error).message}`);
  }
  const tail = notes.length ? `; not scanned: ${notes.join('; ')}` : '';
  if (findings.length) {
    return {
      id: 'external',
      status: 'fail',
      summary: findings.map((f) => `${f.value} in ${f.file}: ${f.why}`).join('; ') + tail,
      fix: `remove ${[...new Set(findings.map((f) => f.value))].join(', ')} (nothing outside this machine and the addresses you configure may be named; no public STUN/TURN): for prosody.cfg.lua restart \`npm start\` (it rewrites the file), for advertise set --advertise / PARLEY_ADVERTISE`,
    };
  }
  if (notes.length)
    return {
      id: 'external',
      status: 'warn',
      summary: `no outside address in ${scanned.join(', ')}${tail}`,
      fix: 'start the stack (`npm start`) so every file can be scanned',
    };
  return { id: 'external', status: 'ok', summary: `no outside address or public STUN/TURN in ${scanned.join(', ')}` };
}
