// `parley start` settings: one typed spec, read from flags, then PARLEY_* env, then defaults.
import { isIP } from 'node:net';
import { ConfigError, field, LOG_LEVELS, type ConfigOf } from '@parley/service';
import { focusAccessSpec } from '@parley/focus';
import { webConfigSpec } from '@parley/web';

const hostname = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

export const startSpec = {
  publicUrl: field.string({
    describe:
      'the address people are given, when a name or proxy fronts this machine (e.g. https://meet.example.lan); it heads the invite links and is added to the certificate',
    flag: 'public-url',
    env: 'PARLEY_PUBLIC_URL',
    default: '',
    pattern: /^https:\/\/[a-z0-9.-]+(:\d+)?\/?$/i,
    hint: 'https://host[:port]',
  }),
  dataDir: field.string({
    describe: 'where secrets, Prosody data and logs live (reused on the next start)',
    flag: 'data-dir',
    env: 'PARLEY_DATA_DIR',
    default: '.parley',
  }),
  domain: field.string({
    describe: 'XMPP domain of this deployment (a name, no DNS needed)',
    flag: 'domain',
    env: 'PARLEY_DOMAIN',
    default: 'meet.parley.local',
    pattern: hostname,
    hint: 'a lowercase host name with a dot, like meet.parley.local',
  }),
  bind: field.string({
    describe: 'address Prosody listens on',
    flag: 'bind',
    env: 'PARLEY_BIND',
    default: '127.0.0.1',
    pattern: /^[0-9a-fA-F.:]+$/,
    hint: 'an IP address',
  }),
  xmppPort: field.port({
    describe: 'XMPP client port (c2s), for other XMPP apps',
    flag: 'xmpp-port',
    env: 'PARLEY_XMPP_PORT',
    default: 5222,
  }),
  xmppHttpPort: field.port({
    describe: "Prosody's HTTP port (WebSocket /xmpp-websocket, BOSH /http-bind)",
    flag: 'xmpp-http-port',
    env: 'PARLEY_XMPP_HTTP_PORT',
    default: 5280,
  }),
  componentPort: field.port({
    describe: 'XMPP component port (focus), loopback only',
    flag: 'component-port',
    env: 'PARLEY_COMPONENT_PORT',
    default: 5347,
  }),
  focusHttpPort: field.port({
    describe: "focus's /health and /metrics port",
    flag: 'focus-http-port',
    env: 'PARLEY_FOCUS_HTTP_PORT',
    default: 8888,
  }),
  mediaPort: field.port({
    describe: 'the one UDP port for all media (open it in the firewall)',
    flag: 'media-port',
    env: 'PARLEY_MEDIA_PORT',
    default: 10000,
  }),
  tcpPort: field.port({
    describe: 'ICE-TCP media fallback port, for networks that block UDP',
    flag: 'tcp-port',
    env: 'PARLEY_TCP_PORT',
    default: 4443,
  }),
  advertise: field.list({
    describe: 'addresses the bridge gives to browsers (default: every non-loopback address of this machine)',
    flag: 'advertise',
    env: 'PARLEY_ADVERTISE',
    default: [],
    item: (s, key) => {
      if (isIP(s) === 0) throw new ConfigError(`${key}: "${s}" is not an IP address`);
    },
  }),
  webhookUrls: field.list({
    describe: 'URLs told of rooms created/ended and participants joined/left (signed with secrets.json webhookSecret)',
    flag: 'webhook-url',
    env: 'PARLEY_WEBHOOK_URLS',
    default: [],
    item: (s, key) => {
      if (!/^https?:\/\/[^\s]+$/.test(s)) throw new ConfigError(`${key}: "${s}" is not an http(s) URL`);
    },
  }),
  streamAllowedHosts: field.list({
    describe: 'hosts moderators may live stream to over RTMP(S) (comma-separated); empty: any',
    flag: 'stream-allowed-hosts',
    env: 'PARLEY_STREAM_ALLOWED_HOSTS',
    default: [],
    item: (s, key) => {
      if (!/^[A-Za-z0-9.-]+$|^\[?[0-9A-Fa-f:]+\]?$/.test(s))
        throw new ConfigError(`${key}: "${s}" is not a host name (no scheme, port or path)`);
    },
  }),
  httpsPort: field.port({
    describe: 'HTTPS port of the web app (the invite links point here)',
    flag: 'https-port',
    env: 'PARLEY_HTTPS_PORT',
    default: 8443,
  }),
  httpPort: field.port({
    describe: 'plain HTTP port that only redirects to HTTPS and explains why',
    flag: 'http-port',
    env: 'PARLEY_HTTP_PORT',
    default: 8000,
  }),
  webBind: field.string({
    describe: 'address the web app listens on (0.0.0.0: every interface, so others can join)',
    flag: 'web-bind',
    env: 'PARLEY_WEB_BIND',
    default: '0.0.0.0',
    pattern: /^[0-9a-fA-F.:]+$/,
    hint: 'an IP address',
  }),
  bridges: field.int({
    describe:
      'bridge processes (one per core serves the most meetings); bridge i uses the media, TCP and bridge HTTP ports + i',
    flag: 'bridges',
    env: 'PARLEY_BRIDGES',
    default: 1,
    min: 1,
    max: 64,
  }),
  bridgeHttpPort: field.port({
    describe: "bridge's /health, /metrics and /debug port",
    flag: 'bridge-http-port',
    env: 'PARLEY_BRIDGE_HTTP_PORT',
    default: 8080,
  }),
  turn: field.bool({
    describe:
      'run coturn (TURN over TCP and TLS) for browsers whose network blocks UDP; needs `apt-get install coturn`',
    flag: 'turn',
    env: 'PARLEY_TURN',
    default: false,
  }),
  turnPort: field.port({
    describe: 'TURN port (TCP and UDP), with --turn',
    flag: 'turn-port',
    env: 'PARLEY_TURN_PORT',
    default: 3478,
  }),
  turnsPort: field.port({
    describe:
      'TURN over TLS port, with --turn (443 where a network allows only HTTPS out, if the web app is not on 443 of the same address)',
    flag: 'turns-port',
    env: 'PARLEY_TURNS_PORT',
    default: 5349,
  }),
  maxConnectionsPerAddress: field.int({
    describe:
      'WebSocket connections + BOSH requests one client address may hold (HTTP 429 beyond; raise it behind NAT or a proxy; 0: no cap)',
    flag: 'max-connections-per-address',
    env: 'PARLEY_MAX_CONNECTIONS_PER_ADDRESS',
    default: 40,
    min: 0,
  }),
  turnTtl: field.int({
    describe: 'seconds a TURN credential Prosody gives an XMPP session stays valid for new allocations, with --turn',
    flag: 'turn-ttl',
    env: 'PARLEY_TURN_TTL',
    default: 3600,
    min: 60,
    max: 86_400,
  }),
  webMetricsPort: field.port({
    describe: "web server's /health and /metrics port (loopback only; never on the public HTTPS port)",
    flag: 'web-metrics-port',
    env: 'PARLEY_WEB_METRICS_PORT',
    default: 8889,
  }),
  // Embedding (/external_api.js): the web server's own field.
  embedOrigins: webConfigSpec.embedOrigins,
  // Access (issue 11): the focus's own fields, the same flags and PARLEY_* names.
  auth: focusAccessSpec.auth,
  tokenPublicKey: focusAccessSpec.tokenPublicKey,
  tokenAudience: focusAccessSpec.tokenAudience,
  tokenIssuer: focusAccessSpec.tokenIssuer,
  loginProvider: field.string({
    describe: 'Prosody authentication provider for --auth login accounts (internal_hashed; ldap with mod_auth_ldap)',
    flag: 'login-provider',
    env: 'PARLEY_LOGIN_PROVIDER',
    default: 'internal_hashed',
    pattern: /^[a-z][a-z0-9_]{0,40}$/,
    hint: 'a Prosody provider name like internal_hashed or ldap',
  }),
  loginInclude: field.string({
    describe: "Lua file included in the main domain's VirtualHost with --auth login (e.g. ldap_server, ldap_base)",
    flag: 'login-include',
    env: 'PARLEY_LOGIN_INCLUDE',
    default: '',
  }),
  json: field.bool({ describe: 'print the ready line as one JSON object', flag: 'json', default: false }),
  logLevel: field.oneOf(LOG_LEVELS, {
    describe: 'log level of every service',
    flag: 'log-level',
    env: 'PARLEY_LOG_LEVEL',
    default: 'info',
  }),
};

export type StartConfig = ConfigOf<typeof startSpec>;
