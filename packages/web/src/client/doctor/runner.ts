// The /doctor page's checks runner: runs the checks one after another, publishes the live list
// after every change, skips a check whose prerequisite failed, and builds the summary and the
// text report for the administrator. Pure (no DOM types): unit-tested in Node with fake checks.
// The checks themselves (browser APIs) are in checks.ts; the page in DoctorPage.tsx.

export type CheckId = 'secure-context' | 'devices' | 'websocket' | 'bosh' | 'media-udp' | 'media-tcp' | 'turn';
export type CheckStatus = 'pending' | 'running' | 'ok' | 'fail' | 'skipped';

export const CHECK_IDS: readonly CheckId[] = [
  'secure-context',
  'devices',
  'websocket',
  'bosh',
  'media-udp',
  'media-tcp',
  'turn',
];

/**
 * Why a check failed or was skipped: the message keys are doctor.<id>.fail.<reason> (and
 * doctor.<id>.fix.<reason>) and doctor.<id>.skipped.<reason>. 'needs' (a prerequisite failed) is
 * shared by every check: doctor.skipped.needs.
 */
export const FAIL_REASONS = {
  'secure-context': ['insecure'],
  devices: ['none', 'denied', 'insecure'],
  websocket: ['unreachable'],
  bosh: ['unreachable'],
  'media-udp': ['blocked', 'no-candidates', 'signaling'],
  'media-tcp': ['blocked', 'no-candidates', 'signaling'],
  turn: ['blocked', 'credentials', 'signaling'],
} as const satisfies Record<CheckId, readonly string[]>;

export const SKIP_REASONS = { turn: ['off'] } as const satisfies Partial<Record<CheckId, readonly string[]>>;

export type Vars = Record<string, string | number>;

/** What one check found. */
export interface CheckOutcome {
  status: 'ok' | 'fail' | 'skipped';
  /** For fail / skipped: one of FAIL_REASONS[id] / SKIP_REASONS[id]. */
  reason?: string;
  /** Values for the explanation ({url}, {pair}, {port}, ...). */
  vars?: Vars;
  /** Technical detail for the administrator (error message, URL, ICE state). */
  detail?: string;
}

export interface CheckState extends Partial<Omit<CheckOutcome, 'status'>> {
  id: CheckId;
  status: CheckStatus;
  /** ms the check took (ok / fail). */
  ms?: number;
}

export interface CheckDef {
  id: CheckId;
  /** Checks that must be ok (or skipped) first; when one failed, this one is skipped ('needs'). */
  needs?: CheckId[];
  run(): Promise<CheckOutcome>;
}

export interface RunOptions {
  /** Bound of each check (a check that never settles fails with a timeout detail). Default 40 s. */
  timeoutMs?: number;
  now?: () => number;
}

/** Runs the checks in order; onUpdate gets a fresh copy of the list after every change. */
export async function runChecks(
  defs: readonly CheckDef[],
  onUpdate: (states: CheckState[]) => void,
  opts: RunOptions = {},
): Promise<CheckState[]> {
  const timeoutMs = opts.timeoutMs ?? 40_000;
  const now = opts.now ?? Date.now;
  let states: CheckState[] = defs.map((d) => ({ id: d.id, status: 'pending' }));
  const publish = (i: number, s: CheckState) => {
    states = states.map((x, j) => (j === i ? s : x));
    onUpdate(states);
  };
  onUpdate(states);
  for (let i = 0; i < defs.length; i++) {
    const def = defs[i];
    const failed = (def.needs ?? []).filter((n) => states.find((s) => s.id === n)?.status === 'fail');
    if (failed.length > 0) {
      publish(i, { id: def.id, status: 'skipped', reason: 'needs', vars: { checks: failed.join(', ') } });
      continue;
    }
    publish(i, { id: def.id, status: 'running' });
    const start = now();
    let out: CheckOutcome;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      out = await Promise.race([
        def.run(),
        new Promise<CheckOutcome>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no result within ${timeoutMs / 1000} s`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      out = { status: 'fail', reason: (FAIL_REASONS[def.id] as readonly string[])[0], detail: errorText(err) };
    } finally {
      clearTimeout(timer);
    }
    publish(i, { id: def.id, ...out, ms: Math.max(0, now() - start) });
  }
  return states;
}

export interface Summary {
  done: boolean;
  problems: number;
  ok: number;
  skipped: number;
}

export function summarize(states: readonly CheckState[]): Summary {
  const count = (s: CheckStatus) => states.filter((x) => x.status === s).length;
  return {
    done: states.every((s) => s.status !== 'pending' && s.status !== 'running'),
    problems: count('fail'),
    ok: count('ok'),
    skipped: count('skipped'),
  };
}

/** The words of one result, in the page's language (given by the page: i18n needs the DOM). */
export interface Described {
  title: string;
  text: string;
  fix?: string;
}

/** The report the "Copy report" button copies: every result with its detail, for the admin. */
export function reportText(
  states: readonly CheckState[],
  describe: (s: CheckState) => Described,
  meta: { title: string; summary: string; page: string; userAgent: string; time: string },
): string {
  const lines = [meta.title, `${meta.time}`, `page: ${meta.page}`, `browser: ${meta.userAgent}`, ''];
  for (const s of states) {
    const d = describe(s);
    lines.push(`[${s.status.toUpperCase()}] ${d.title}${s.ms !== undefined ? ` (${(s.ms / 1000).toFixed(1)} s)` : ''}`);
    if (d.text) lines.push(`    ${d.text}`);
    if (d.fix) lines.push(`    fix: ${d.fix}`);
    if (s.detail) lines.push(`    detail: ${s.detail}`);
  }
  lines.push('', meta.summary);
  return lines.join('\n');
}

export function errorText(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { name?: unknown; message?: unknown };
    const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (name || message) return name && message ? `${name}: ${message}` : name || message;
  }
  return String(err);
}

// --- SDP and stats helpers for the media checks ----------------------------------------------------

export type CandidateFilter = 'udp' | 'tcp' | 'all';

/** The transport ("udp" / "tcp") of an SDP candidate line, lower case; undefined for other lines. */
function candidateTransport(line: string): string | undefined {
  const m = /^a=candidate:\S+ \d+ (\S+) /i.exec(line);
  return m ? m[1].toLowerCase() : undefined;
}

/**
 * The offer SDP with only the candidates of one transport (the other candidate lines removed);
 * `kept` counts the candidates left, `ports` their distinct ports (for the fix text).
 */
export function keepCandidates(sdp: string, keep: CandidateFilter): { sdp: string; kept: number; ports: number[] } {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const out: string[] = [];
  const ports = new Set<number>();
  let kept = 0;
  for (const line of sdp.split(/\r?\n/)) {
    const transport = candidateTransport(line);
    if (transport !== undefined) {
      if (keep !== 'all' && transport !== keep) continue;
      kept++;
      const port = Number(line.split(' ')[5]);
      if (Number.isInteger(port)) ports.add(port);
    }
    out.push(line);
  }
  return { sdp: out.join(eol), kept, ports: [...ports] };
}

type Stat = Record<string, unknown> & { id?: unknown; type?: unknown };

/**
 * The selected candidate pair from getStats() values, in words:
 * "udp 192.168.1.5:53012 (host) -> 192.168.1.20:10000 (host)"; undefined when none is selected.
 */
export function describeSelectedPair(stats: Iterable<Stat>): string | undefined {
  const byId = new Map<string, Stat>();
  for (const s of stats) if (typeof s.id === 'string') byId.set(s.id, s);
  let pair: Stat | undefined;
  for (const s of byId.values()) {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string')
      pair = byId.get(s.selectedCandidatePairId);
  }
  pair ??= [...byId.values()].find(
    (s) => s.type === 'candidate-pair' && s.state === 'succeeded' && (s.selected === true || s.nominated === true),
  );
  if (!pair) return undefined;
  const local = byId.get(String(pair.localCandidateId));
  const remote = byId.get(String(pair.remoteCandidateId));
  if (!local || !remote) return undefined;
  const addr = (c: Stat) => `${String(c.address ?? c.ip ?? '?')}:${String(c.port ?? '?')}`;
  const proto = String(local.protocol ?? remote.protocol ?? '?');
  const relay =
    local.candidateType === 'relay' && local.relayProtocol ? `, relay over ${String(local.relayProtocol)}` : '';
  return `${proto} ${addr(local)} (${String(local.candidateType ?? '?')}${relay}) -> ${addr(remote)} (${String(remote.candidateType ?? '?')})`;
}

/** The sid of a BOSH session-creation answer (<body sid="...">), or undefined. */
export function boshSid(body: string): string | undefined {
  return /<body\b[^>]*\bsid=["']([^"']+)["']/.exec(body)?.[1];
}

export function boshCreateBody(domain: string, rid: number): string {
  const esc = domain.replace(/[<>&"']/g, '');
  return `<body content="text/xml; charset=utf-8" hold="1" rid="${rid}" to="${esc}" ver="1.6" wait="10" xml:lang="en" xmlns="http://jabber.org/protocol/httpbind" xmlns:xmpp="urn:xmpp:xbosh" xmpp:version="1.0"/>`;
}

/** A throwaway room name: parley-doctor-<8 base36 chars>. */
export function doctorRoomName(random: () => number = Math.random): string {
  let s = '';
  while (s.length < 8) s += Math.floor(random() * 36).toString(36);
  return `parley-doctor-${s}`;
}

/** The i18n keys of one result (checked against en.ts by the unit test). */
export function messageKeys(s: CheckState): { title: string; text?: string; fix?: string } {
  const title = `doctor.${s.id}.title`;
  if (s.status === 'ok') return { title, text: `doctor.${s.id}.ok` };
  if (s.status === 'fail')
    return { title, text: `doctor.${s.id}.fail.${s.reason}`, fix: `doctor.${s.id}.fix.${s.reason}` };
  if (s.status === 'skipped')
    return { title, text: s.reason === 'needs' ? 'doctor.skipped.needs' : `doctor.${s.id}.skipped.${s.reason}` };
  return { title };
}
