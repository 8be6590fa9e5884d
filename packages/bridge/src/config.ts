// The bridge's settings: one typed spec, flags > PARLEY_* env > defaults. Secrets have no default.
import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { ConfigError, field, LOG_LEVELS, type ConfigOf } from '@parley/service';

const ip = (s: string, key: string) => {
  if (isIP(s) === 0) throw new ConfigError(`${key}: "${s}" is not an IP address`);
};

export const bridgeConfigSpec = {
  domain: field.string({
    describe: 'XMPP domain of the deployment',
    flag: 'domain',
    env: 'PARLEY_DOMAIN',
    required: true,
    pattern: /^[a-z0-9.-]+$/,
    hint: 'a lowercase host name',
  }),
  xmppService: field.string({
    describe: "Prosody's client port",
    flag: 'xmpp-service',
    env: 'PARLEY_XMPP_SERVICE',
    default: 'xmpp://127.0.0.1:5222',
    pattern: /^xmpp:\/\/[^/]+:\d+$/,
    hint: 'xmpp://host:port',
  }),
  username: field.string({
    describe: "the bridges' account on auth.<domain>",
    flag: 'username',
    env: 'PARLEY_BRIDGE_USER',
    default: 'jvb',
  }),
  password: field.string({
    describe: "the bridges' account password (generated at setup)",
    env: 'PARLEY_BRIDGE_PASSWORD',
    required: true,
  }),
  bridgeId: field.string({
    describe: "this bridge's nick in the brewery (empty: jvb-<random>)",
    flag: 'bridge-id',
    env: 'PARLEY_BRIDGE_ID',
    default: '',
    pattern: /^[A-Za-z0-9_-]{1,64}$/,
    hint: 'letters, digits, - and _',
  }),
  focusJids: field.list({
    describe: 'JIDs allowed to send colibri2 (default: focus.<domain>, focus@auth.<domain>)',
    env: 'PARLEY_FOCUS_JIDS',
    default: [],
  }),
  mediaPort: field.port({
    describe: 'the one UDP port for all media (0 picks one)',
    flag: 'media-port',
    env: 'PARLEY_MEDIA_PORT',
    default: 10000,
    allowZero: true,
  }),
  tcpPort: field.port({
    describe: 'ICE-TCP fallback port (0 picks one)',
    flag: 'tcp-port',
    env: 'PARLEY_TCP_PORT',
    default: 4443,
    allowZero: true,
  }),
  tcpUnauthPerSource: field.int({
    describe: 'ICE-TCP connections one address may hold open before its first valid STUN check',
    flag: 'tcp-unauth-per-source',
    env: 'PARLEY_TCP_UNAUTH_PER_SOURCE',
    default: 16,
    min: 1,
  }),
  tcpUnauthTotal: field.int({
    describe: 'ICE-TCP connections open in all before their first valid STUN check (over it: oldest closed)',
    flag: 'tcp-unauth-total',
    env: 'PARLEY_TCP_UNAUTH_TOTAL',
    default: 256,
    min: 1,
  }),
  tcpAuthTimeoutMs: field.int({
    describe: 'an ICE-TCP connection without a valid STUN check this long (ms) is closed',
    flag: 'tcp-auth-timeout-ms',
    env: 'PARLEY_TCP_AUTH_TIMEOUT_MS',
    default: 5000,
    min: 100,
  }),
  bindAddress: field.string({
    describe: 'address the media sockets bind to',
    flag: 'bind',
    env: 'PARLEY_MEDIA_BIND',
    default: '0.0.0.0',
    pattern: /^[0-9a-fA-F.:]+$/,
    hint: 'an IP address',
  }),
  advertise: field.list({
    describe: 'addresses given to clients (default: every non-loopback local address)',
    flag: 'advertise',
    env: 'PARLEY_ADVERTISE',
    default: [],
    item: ip,
  }),
  httpHost: field.string({
    describe: 'address of /health, /metrics, /debug',
    flag: 'http-host',
    env: 'PARLEY_BRIDGE_HTTP_HOST',
    default: '127.0.0.1',
  }),
  httpPort: field.port({
    describe: 'port of /health, /metrics, /debug (0 picks one)',
    flag: 'http-port',
    env: 'PARLEY_BRIDGE_HTTP_PORT',
    default: 8080,
    allowZero: true,
  }),
  statsIntervalMs: field.int({
    describe: 'how often stats go out in the brewery presence',
    env: 'PARLEY_BRIDGE_STATS_MS',
    default: 5000,
    min: 100,
  }),
  recordingsDir: field.string({
    describe: 'where recordings go: <dir>/<room>/<timestamp>/ (parley start: <data dir>/recordings)',
    flag: 'recordings-dir',
    env: 'PARLEY_RECORDINGS_DIR',
    default: 'recordings',
  }),
  recordingMinFreeMb: field.int({
    describe: 'free disk space (MiB) a recording needs to start; below it a running one stops',
    flag: 'recording-min-free-mb',
    env: 'PARLEY_RECORDING_MIN_FREE_MB',
    default: 500,
    min: 0,
  }),
  recordingMaxAgeDays: field.int({
    describe: 'days a recording is kept, then deleted (retention); 0: no age limit',
    flag: 'recording-max-age-days',
    env: 'PARLEY_RECORDING_MAX_AGE_DAYS',
    default: 0,
    min: 0,
  }),
  recordingMaxTotalMb: field.int({
    describe: 'MiB all recordings may take together; beyond it the oldest are deleted first; 0: no limit',
    flag: 'recording-max-total-mb',
    env: 'PARLEY_RECORDING_MAX_TOTAL_MB',
    default: 0,
    min: 0,
  }),
  recordingCompose: field.bool({
    describe: 'after a recording stops, make one MP4 (grid, names, mixed audio) with ffmpeg',
    flag: 'recording-compose',
    env: 'PARLEY_RECORDING_COMPOSE',
    default: true,
  }),
  logLevel: field.oneOf(LOG_LEVELS, {
    describe: 'log level',
    flag: 'log-level',
    env: 'PARLEY_LOG_LEVEL',
    default: 'info',
  }),
};

/** The ICE-TCP admission and recording settings may be left out (their defaults apply): callers build configs in code too. */
type TcpGuardKey =
  | 'tcpUnauthPerSource'
  | 'tcpUnauthTotal'
  | 'tcpAuthTimeoutMs'
  | 'recordingsDir'
  | 'recordingMinFreeMb'
  | 'recordingMaxAgeDays'
  | 'recordingMaxTotalMb'
  | 'recordingCompose';
type FullBridgeConfig = ConfigOf<typeof bridgeConfigSpec>;
export type BridgeConfig = Omit<FullBridgeConfig, TcpGuardKey> & Partial<Pick<FullBridgeConfig, TcpGuardKey>>;

export const breweryOf = (domain: string) => `jvbbrewery@internal.auth.${domain}`;
export const defaultFocusJids = (domain: string) => [`focus.${domain}`, `focus@auth.${domain}`];

/**
 * Addresses a client on the network can reach this machine at: every non-internal IPv4/IPv6
 * interface address (link-local IPv6 excluded). Never a public lookup: no STUN, nothing external.
 */
export function discoverAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80')) continue;
      out.push(a.address);
    }
  }
  return out;
}
