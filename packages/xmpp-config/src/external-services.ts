// TURN for logged-in XMPP sessions only: Prosody's mod_external_services (XEP-0215, the way Jitsi's
// clients get TURN) signs short-lived TURN REST credentials (draft-uberti-behave-turn-rest, what
// coturn's use-auth-secret checks) with the secret it shares with coturn. A browser asks
// `<iq type="get" to="<domain>"><services xmlns="urn:xmpp:extdisco:2"/></iq>` after logging in;
// nobody without a session gets a credential. coturn checks the expiry when an allocation is made,
// not while it lives (coturn issue #774), so a short TTL does not cut long meetings.

export interface TurnService {
  /** 'turns': TURN over TLS. */
  type: 'turn' | 'turns';
  /** Address or name browsers connect to. */
  host: string;
  port: number;
  transport: 'tcp' | 'udp';
}

export interface ProsodyTurnSettings {
  /** coturn's static-auth-secret. */
  secret: string;
  /** Seconds a credential stays valid for making allocations (default 3600, at most 86400). */
  ttlSeconds: number;
  services: TurnService[];
}

export const DEFAULT_TURN_TTL_SECONDS = 3600;
const MAX_TURN_TTL_SECONDS = 86_400;

const HOST = /^(?:[a-z0-9.-]{1,253}|[0-9a-fA-F:.]{2,45})$/;

/** Validates `turn` of the Prosody settings (undefined: no TURN). Throws naming the key. */
export function validateTurnServices(v: unknown): ProsodyTurnSettings | undefined {
  if (v === undefined) return undefined;
  const bad = (key: string, why: string): never => {
    throw new Error(`prosody setting "turn.${key}" ${why}`);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error('prosody setting "turn" is not an object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!['secret', 'ttlSeconds', 'services'].includes(k)) bad(k, 'is unknown; known: secret, ttlSeconds, services');
  if (typeof o.secret !== 'string' || o.secret.length < 16 || /[\0\r\n]/.test(o.secret))
    bad('secret', 'is required: one line of at least 16 characters (the secret shared with coturn)');
  const ttl = o.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 60 || ttl > MAX_TURN_TTL_SECONDS)
    bad('ttlSeconds', `must be whole seconds from 60 to ${MAX_TURN_TTL_SECONDS} (got ${JSON.stringify(ttl)})`);
  if (!Array.isArray(o.services) || o.services.length === 0) bad('services', 'must list at least one TURN service');
  const services = (o.services as unknown[]).map((raw, i): TurnService => {
    const s = (raw ?? {}) as Record<string, unknown>;
    if (s.type !== 'turn' && s.type !== 'turns') bad(`services[${i}].type`, 'must be "turn" or "turns"');
    if (typeof s.host !== 'string' || !HOST.test(s.host)) bad(`services[${i}].host`, 'is not an address or host name');
    if (typeof s.port !== 'number' || !Number.isInteger(s.port) || s.port < 1 || s.port > 65535)
      bad(`services[${i}].port`, 'is not a port (1-65535)');
    if (s.transport !== 'tcp' && s.transport !== 'udp') bad(`services[${i}].transport`, 'must be "tcp" or "udp"');
    return {
      type: s.type as TurnService['type'],
      host: s.host as string,
      port: s.port as number,
      transport: s.transport as TurnService['transport'],
    };
  });
  return { secret: o.secret as string, ttlSeconds: ttl as number, services };
}

/** The global config lines (the module is loaded from the global modules_enabled). */
export function renderExternalServices(t: ProsodyTurnSettings, q: (s: string) => string): string[] {
  return [
    '---------- TURN credentials for logged-in sessions (XEP-0215, mod_external_services) ----------',
    `external_service_secret = ${q(t.secret)}`,
    `external_service_ttl = ${t.ttlSeconds}`,
    'external_services = {',
    ...t.services.map(
      (s) =>
        `  { type = ${q(s.type)}, transport = ${q(s.transport)}, host = ${q(s.host)}, port = ${s.port}, ` +
        `secret = true, algorithm = "turn", ttl = ${t.ttlSeconds}, username = "parley" };`,
    ),
    '}',
    '',
  ];
}
