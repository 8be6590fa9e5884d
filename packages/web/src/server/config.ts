// window.PARLEY_CONFIG, served as /config.js. Its shape is ParleyConfig from @parley/protocol,
// shared with the client; the server always says whether TURN is on.
import { ORIGIN_PATTERN, type ParleyConfig } from '@parley/protocol';

export type ParleyConfigJson = ParleyConfig & { turn: boolean };

const KEYS: (keyof ParleyConfigJson)[] = [
  'domain',
  'mucDomain',
  'focusJid',
  'websocketUrl',
  'boshUrl',
  'doctorUrl',
  'language',
  'turn',
  'iceTransportPolicy',
  'auth',
  'anonymousDomain',
  'embedOrigins',
];

/** Defaults derived from the XMPP domain, then the overrides; unknown keys and bad values throw, naming the key. */
export function buildParleyConfig(domain: string, overrides: Partial<ParleyConfigJson> = {}): ParleyConfigJson {
  const cfg: ParleyConfigJson = {
    domain,
    mucDomain: `conference.${domain}`,
    focusJid: `focus.${domain}`,
    websocketUrl: '/xmpp-websocket',
    boshUrl: '/http-bind',
    doctorUrl: '/doctor',
    language: null,
    turn: false,
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (!KEYS.includes(k as keyof ParleyConfigJson))
      throw new Error(`web config: unknown key "${k}" (known: ${KEYS.join(', ')})`);
    if (v === undefined) continue;
    if (k === 'language') {
      if (v !== null && typeof v !== 'string') throw new Error('web config: "language" must be a string or null');
    } else if (k === 'turn') {
      if (typeof v !== 'boolean') throw new Error('web config: "turn" must be true or false');
    } else if (k === 'auth') {
      if (v !== 'none' && v !== 'login' && v !== 'token')
        throw new Error('web config: "auth" must be "none", "login" or "token"');
    } else if (k === 'embedOrigins') {
      if (!Array.isArray(v) || !v.every((o) => typeof o === 'string' && ORIGIN_PATTERN.test(o)))
        throw new Error('web config: "embedOrigins" must be a list of origins like https://intranet.example');
    } else if (k === 'iceTransportPolicy') {
      if (v !== 'all' && v !== 'relay') throw new Error('web config: "iceTransportPolicy" must be "all" or "relay"');
    } else if (typeof v !== 'string' || v === '') {
      throw new Error(`web config: "${k}" must be a non-empty string`);
    }
    (cfg as unknown as Record<string, unknown>)[k] = v;
  }
  if (!cfg.domain) throw new Error('web config: "domain" is required');
  return cfg;
}

/** The body of /config.js. JSON with `<` escaped, so no value can close a script element. */
export function renderConfigJs(cfg: ParleyConfigJson): string {
  const json = JSON.stringify(cfg, null, 2)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `window.PARLEY_CONFIG = ${json};\n`;
}
