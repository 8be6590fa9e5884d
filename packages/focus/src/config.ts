import { field, LOG_LEVELS, type ConfigOf } from '@parley/service';
import { DEFAULT_CONFERENCE_LIMITS, type ConferenceLimitSettings } from './limits.js';

const hostname = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The bridges' account name unless PARLEY_BRIDGE_USER says otherwise (as for the bridge and Prosody). */
export const DEFAULT_BRIDGE_USER = 'jvb';

export const focusConfigSpec = {
  domain: field.string({
    describe: 'XMPP domain of the deployment; the focus is focus.<domain>',
    flag: 'domain',
    env: 'PARLEY_DOMAIN',
    required: true,
    pattern: hostname,
    hint: 'a lowercase host name',
  }),
  xmppComponentUrl: field.string({
    describe: "Prosody's component port",
    flag: 'xmpp-component-url',
    env: 'PARLEY_XMPP_COMPONENT_URL',
    default: 'xmpp://127.0.0.1:5347',
    pattern: /^xmpp:\/\/[^/:]+:\d+$/,
    hint: 'xmpp://host:port',
  }),
  focusSecret: field.string({
    describe: 'component secret shared with Prosody (generated at setup)',
    env: 'PARLEY_FOCUS_SECRET',
    required: true,
    pattern: /^.{16,}$/,
    hint: 'at least 16 characters',
  }),
  httpHost: field.string({
    describe: 'address for /health and /metrics',
    flag: 'http-host',
    env: 'PARLEY_FOCUS_HTTP_HOST',
    default: '127.0.0.1',
  }),
  httpPort: field.port({
    describe: 'port for /health and /metrics (0 picks one)',
    flag: 'http-port',
    env: 'PARLEY_FOCUS_HTTP_PORT',
    default: 8888,
    allowZero: true,
  }),
  bridgeUser: field.string({
    describe: "the bridges' account on auth.<domain>: the only JID the focus accepts as a bridge",
    flag: 'bridge-user',
    env: 'PARLEY_BRIDGE_USER',
    default: DEFAULT_BRIDGE_USER,
    pattern: /^[a-z0-9][a-z0-9._-]{0,63}$/,
    hint: 'lower case a-z, 0-9, ".", "_", "-"',
  }),
  bridge: field.oneOf(['fake', 'colibri2'] as const, {
    describe: 'how the focus reaches bridges',
    flag: 'bridge',
    env: 'PARLEY_FOCUS_BRIDGE',
    default: 'fake',
  }),
  idleTimeoutMs: field.int({
    describe: 'ms an empty conference waits before the focus leaves',
    env: 'PARLEY_FOCUS_IDLE_MS',
    default: 60_000,
    min: 100,
  }),
  // Conference creation limits (limits.ts); requests for a running conference are never limited.
  maxConferences: field.int({
    describe: 'live conferences this focus runs at once; a request for a new one beyond it is refused',
    flag: 'max-conferences',
    env: 'PARLEY_FOCUS_MAX_CONFERENCES',
    default: DEFAULT_CONFERENCE_LIMITS.maxConferences,
    min: 1,
  }),
  maxConferencesPerSession: field.int({
    describe: 'live conferences one session (bare JID) may have created at once',
    flag: 'max-conferences-per-session',
    env: 'PARLEY_FOCUS_MAX_CONFERENCES_PER_SESSION',
    default: DEFAULT_CONFERENCE_LIMITS.maxConferencesPerSession,
    min: 1,
  }),
  newConferencesPerMinute: field.int({
    describe: 'new conferences one session (bare JID) may create per minute',
    flag: 'new-conferences-per-minute',
    env: 'PARLEY_FOCUS_NEW_CONFERENCES_PER_MINUTE',
    default: DEFAULT_CONFERENCE_LIMITS.newConferencesPerMinute,
    min: 1,
  }),
  webhookUrls: field.list({
    describe: 'URLs told of rooms created/ended and participants joined/left (signed POSTs, retried; docs/api.md)',
    flag: 'webhook-url',
    env: 'PARLEY_WEBHOOK_URLS',
    default: [],
  }),
  adminToken: field.string({
    describe: 'bearer token of the HTTP API on the focus port (/api/; generated at setup); empty: the API is off',
    env: 'PARLEY_ADMIN_TOKEN',
    default: '',
  }),
  webhookSecret: field.string({
    describe: 'HMAC key that signs webhook requests (generated at setup)',
    env: 'PARLEY_WEBHOOK_SECRET',
    default: '',
  }),
  streamAllowedHosts: field.list({
    describe: 'hosts moderators may live stream to (rtmp:// or rtmps://, comma-separated); empty: any',
    flag: 'stream-allowed-hosts',
    env: 'PARLEY_STREAM_ALLOWED_HOSTS',
    default: [],
  }),
  logLevel: field.oneOf(LOG_LEVELS, {
    describe: 'log level',
    flag: 'log-level',
    env: 'PARLEY_LOG_LEVEL',
    default: 'info',
  }),
};

export type FocusConfig = ConfigOf<typeof focusConfigSpec>;

/** What startFocus takes: the limits and the bridges' account may be left out (their defaults apply). */
export type FocusStartConfig = Omit<FocusConfig, keyof ConferenceLimitSettings | 'bridgeUser' | OptionalSettings> &
  Partial<ConferenceLimitSettings & Pick<FocusConfig, 'bridgeUser' | OptionalSettings>>;
type OptionalSettings = 'webhookUrls' | 'webhookSecret' | 'adminToken' | 'streamAllowedHosts';

export const mucDomainOf = (domain: string) => `conference.${domain}`;
export const focusJidOf = (domain: string) => `focus.${domain}`;
export const breweryOf = (domain: string) => `jvbbrewery@internal.auth.${domain}`;
export const bridgeAccountOf = (domain: string, user: string) => `${user}@auth.${domain}`;
