// TURN for networks that block UDP: coturn (Debian package `coturn`, binary `turnserver`) run by
// `parley start --turn` with a generated turnserver.conf. Browsers reach it over TCP
// (`--turn-port`, default 3478) or TLS (`--turns-port`, default 5349) and it relays their media as
// UDP to the bridge, from this machine's own address. Where a network lets only HTTPS out, ops set
// `--turns-port 443` (TURN over TLS on 443 looks like HTTPS to most firewalls; the web app then
// needs another port, or another address).
//
// Credentials: TURN REST API (use-auth-secret + static-auth-secret). Prosody signs short-lived ones
// with the same secret (secrets.json: turnSecret) for logged-in XMPP sessions only (XEP-0215,
// mod_external_services); nothing is handed out over HTTP.
// The relay may talk only to the bridge: every peer address (loopback, private ranges, link-local
// included) is denied but the bridge's own, and only as UDP: no TCP relay (RFC 6062), which would
// reach any TCP port of the bridge's machine.
import { bracketHost } from '@parley/service';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface TurnSettings {
  /** realm = the XMPP domain. */
  realm: string;
  /** static-auth-secret (Prosody signs the credentials of XMPP sessions with it). */
  secret: string;
  /** Addresses coturn listens on (TCP and UDP on `port`, TLS on `tlsPort`). */
  listeningIps: string[];
  /** Addresses relay allocations live on: this machine's own, so the bridge sees the relay from them. */
  relayIps: string[];
  /** The only peers a relay may send to: the bridge's advertised addresses. */
  allowedPeerIps: string[];
  /** TURN over TCP (and UDP) port, default 3478. */
  port: number;
  /** TURN over TLS port (default 5349; 443 for networks that only allow HTTPS); null: no TLS. */
  tlsPort: number | null;
  /** PEM files for TLS (<dataDir>/certs/cert.pem, key.pem); required when tlsPort is set. */
  tls?: { cert: string; pkey: string };
  /** UDP port range of relay allocations (default coturn's 49152-65535). */
  relayPorts?: { min: number; max: number };
  /** Peers on 127.x / ::1 (only when the bridge is on loopback: tests). */
  allowLoopbackPeers?: boolean;
  /** Where turnserver.conf, turn.log, turnserver.pid and turndb live. */
  dataDir: string;
  verbose?: boolean;
}

export interface TurnPaths {
  config: string;
  log: string;
  pid: string;
  db: string;
}

export function turnPaths(s: Pick<TurnSettings, 'dataDir'>): TurnPaths {
  return {
    config: join(s.dataDir, 'turnserver.conf'),
    log: join(s.dataDir, 'turn.log'),
    pid: join(s.dataDir, 'turnserver.pid'),
    db: join(s.dataDir, 'turndb'),
  };
}

const isPort = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;

/** Throws, naming the setting, on anything coturn would misread (or that could inject a line). */
export function validateTurnSettings(s: TurnSettings): TurnSettings {
  const bad = (what: string) => {
    throw new Error(`turn: ${what}`);
  };
  const oneLine = (v: string, key: string) => {
    if (/[\r\n\0]/.test(v)) bad(`${key} must be one line`);
  };
  if (!/^[a-z0-9.-]+$/.test(s.realm)) bad(`realm "${s.realm}" must be a host name`);
  if (s.secret.length < 16) bad('the shared secret is shorter than 16 characters');
  if (!/^[A-Za-z0-9_\-+/=.]+$/.test(s.secret)) bad('the shared secret must be base64url characters');
  for (const [key, list] of [
    ['listeningIps', s.listeningIps],
    ['relayIps', s.relayIps],
    ['allowedPeerIps', s.allowedPeerIps],
  ] as const) {
    if (!list.length) bad(`${key} is empty`);
    for (const ip of list) if (isIP(ip) === 0) bad(`${key}: "${ip}" is not an IP address`);
  }
  if (!isPort(s.port)) bad(`port ${s.port} is not a port (1-65535)`);
  if (s.tlsPort !== null) {
    if (!isPort(s.tlsPort)) bad(`TLS port ${s.tlsPort} is not a port (1-65535)`);
    if (s.tlsPort === s.port) bad(`the TLS port and the TCP port are both ${s.port}`);
    if (!s.tls) bad('a TLS port needs tls.cert and tls.pkey');
  }
  if (s.tls) {
    oneLine(s.tls.cert, 'tls.cert');
    oneLine(s.tls.pkey, 'tls.pkey');
  }
  if (s.relayPorts) {
    const { min, max } = s.relayPorts;
    if (!isPort(min) || !isPort(max) || min > max) bad(`relay port range ${min}-${max} is not a range of ports`);
  }
  oneLine(s.dataDir, 'dataDir');
  return s;
}

/** turnserver.conf for these settings (option names as coturn 4.6 reads them). */
export function renderTurnConfig(input: TurnSettings): string {
  const s = validateTurnSettings(input);
  const p = turnPaths(s);
  const lines = [
    '# Written by `parley start --turn` on every start: edit the flags, not this file.',
    `listening-port=${s.port}`,
    ...(s.tlsPort !== null ? [`tls-listening-port=${s.tlsPort}`] : ['no-tls']),
    // Browsers use TURN over UDP, TCP and TLS, never DTLS.
    'no-dtls',
    ...s.listeningIps.map((ip) => `listening-ip=${ip}`),
    ...s.relayIps.map((ip) => `relay-ip=${ip}`),
    ...(s.relayPorts ? [`min-port=${s.relayPorts.min}`, `max-port=${s.relayPorts.max}`] : []),
    `realm=${s.realm}`,
    'use-auth-secret',
    `static-auth-secret=${s.secret}`,
    // STUN Binding stays on: browsers use it for their server-reflexive candidates and keepalives.
    'fingerprint',
    'no-cli',
    'no-software-attribute',
    'no-tlsv1',
    'no-tlsv1_1',
    'no-multicast-peers',
    // Browsers relay media over UDP only; a TCP relay (RFC 6062) would open any TCP port of the
    // allowed peer addresses (Prosody, the web server, ssh on the bridge's machine) to anyone.
    'no-tcp-relay',
    // The relay may only talk to the bridge: every address denied, the bridge's allowed (coturn
    // checks allowed-peer-ip before denied-peer-ip).
    'denied-peer-ip=0.0.0.0-255.255.255.255',
    'denied-peer-ip=::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ...s.allowedPeerIps.map((ip) => `allowed-peer-ip=${ip}`),
    ...(s.allowLoopbackPeers ? ['allow-loopback-peers'] : []),
    ...(s.tls ? [`cert=${s.tls.cert}`, `pkey=${s.tls.pkey}`] : []),
    `userdb=${p.db}`,
    `log-file=${p.log}`,
    'simple-log',
    `pidfile=${p.pid}`,
    ...(s.verbose ? ['verbose'] : []),
  ];
  return lines.join('\n') + '\n';
}

/** The URLs browsers get: TURN over TCP, and TURN over TLS when on, for each host. */
export function turnUrls(hosts: string[], port: number, tlsPort: number | null): string[] {
  const h = bracketHost;
  return hosts.flatMap((a) => [
    `turn:${h(a)}:${port}?transport=tcp`,
    ...(tlsPort !== null ? [`turns:${h(a)}:${tlsPort}?transport=tcp`] : []),
  ]);
}

/** The XEP-0215 services Prosody lists for sessions: the same servers as turnUrls, as Prosody settings. */
export function turnServices(
  hosts: string[],
  port: number,
  tlsPort: number | null,
): { type: 'turn' | 'turns'; host: string; port: number; transport: 'tcp' }[] {
  return hosts.flatMap((host) => [
    { type: 'turn' as const, host, port, transport: 'tcp' as const },
    ...(tlsPort !== null ? [{ type: 'turns' as const, host, port: tlsPort, transport: 'tcp' as const }] : []),
  ]);
}
