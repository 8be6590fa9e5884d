// The web server's settings when it runs alone (a container): one typed spec, flags > PARLEY_* env
// > defaults. Names match `parley start`'s where they mean the same thing.
import { ORIGIN_PATTERN } from '@parley/protocol';
import { ConfigError, field, LOG_LEVELS, type ConfigOf } from '@parley/service';
import { DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from './address-caps.js';

export const webConfigSpec = {
  domain: field.string({
    describe: 'XMPP domain of the deployment',
    flag: 'domain',
    env: 'PARLEY_DOMAIN',
    required: true,
    pattern: /^[a-z0-9.-]+$/,
    hint: 'a lowercase host name',
  }),
  host: field.string({
    describe: 'address the web app listens on',
    flag: 'web-bind',
    env: 'PARLEY_WEB_BIND',
    default: '0.0.0.0',
    pattern: /^[0-9a-fA-F.:]+$/,
    hint: 'an IP address',
  }),
  httpsPort: field.port({
    describe: 'HTTPS port of the web app (the invite links point here)',
    flag: 'https-port',
    env: 'PARLEY_HTTPS_PORT',
    default: 8443,
  }),
  httpPort: field.port({
    describe: 'plain HTTP port that only redirects to HTTPS (0: none)',
    flag: 'http-port',
    env: 'PARLEY_HTTP_PORT',
    default: 8000,
    allowZero: true,
  }),
  embedOrigins: field.list({
    describe: 'origins whose pages may embed meetings with /external_api.js (e.g. https://intranet.example)',
    flag: 'embed-origin',
    env: 'PARLEY_EMBED_ORIGINS',
    default: [],
    item: (s, key) => {
      if (!ORIGIN_PATTERN.test(s)) throw new ConfigError(`${key}: "${s}" is not an origin like https://host[:port]`);
    },
  }),
  metricsHost: field.string({
    describe: "address of the operators' /health and /metrics (keep it loopback: never the public port)",
    flag: 'web-metrics-host',
    env: 'PARLEY_WEB_METRICS_HOST',
    default: '127.0.0.1',
    pattern: /^[0-9a-fA-F.:]+$/,
    hint: 'an IP address',
  }),
  metricsPort: field.port({
    describe: "port of the operators' /health and /metrics (0: none)",
    flag: 'web-metrics-port',
    env: 'PARLEY_WEB_METRICS_PORT',
    default: 8889,
    allowZero: true,
  }),
  xmppHttpHost: field.string({
    describe: "host of Prosody's HTTP port (WebSocket, BOSH are proxied there)",
    flag: 'xmpp-http-host',
    env: 'PARLEY_XMPP_HTTP_HOST',
    default: '127.0.0.1',
  }),
  xmppHttpPort: field.port({
    describe: "Prosody's HTTP port",
    flag: 'xmpp-http-port',
    env: 'PARLEY_XMPP_HTTP_PORT',
    default: 5280,
  }),
  certDir: field.string({
    describe: 'directory holding cert.pem, key.pem and ca.pem (made by the init step)',
    flag: 'cert-dir',
    env: 'PARLEY_CERT_DIR',
    required: true,
  }),
  staticDir: field.string({
    describe: 'the built client (empty: packages/web/dist/public)',
    flag: 'static-dir',
    env: 'PARLEY_WEB_STATIC_DIR',
    default: '',
  }),
  maxConnectionsPerAddress: field.int({
    describe: 'WebSocket connections + BOSH requests one client address may hold (429 beyond; 0: no cap)',
    flag: 'max-connections-per-address',
    env: 'PARLEY_WEB_MAX_CONNECTIONS_PER_ADDRESS',
    default: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    min: 0,
  }),
  auth: field.oneOf(['none', 'login', 'token'] as const, {
    describe:
      'access mode told to the client (config.js): none, login (guests log in on guest.<domain>), token (same as the focus)',
    flag: 'auth',
    env: 'PARLEY_AUTH',
    default: 'none',
  }),
  turn: field.bool({
    describe: 'TURN is on (Prosody gives sessions credentials): config.js tells the client to ask for them',
    flag: 'turn',
    env: 'PARLEY_TURN',
    default: false,
  }),
  recordingsDir: field.string({
    describe: "the bridge's recordings folder, for the recordings page (/recordings/<room>); empty: the page is off",
    flag: 'recordings-dir',
    env: 'PARLEY_RECORDINGS_DIR',
    default: '',
  }),
  adminToken: field.string({
    describe: 'the operator token the recordings page asks for (generated at setup); empty: nobody may use it',
    env: 'PARLEY_ADMIN_TOKEN',
    default: '',
  }),
  logLevel: field.oneOf(LOG_LEVELS, {
    describe: 'log level',
    flag: 'log-level',
    env: 'PARLEY_LOG_LEVEL',
    default: 'info',
  }),
};

export type WebConfig = ConfigOf<typeof webConfigSpec>;
