// Seeded fuzzing for Parley's tests (`@parley/protocol/fuzz`; no production code imports it): one
// PRNG, the seed list every fuzz test reads, and mutators that start from valid inputs (stanzas,
// JSON messages) so that the junk reaches deep into the handlers instead of failing at the parser.
// A failure names its seed; PARLEY_FUZZ_SEEDS=1234 (or "1,7,9" or "1-500") replays or widens a run,
// PARLEY_FUZZ=long runs many more inputs per seed.
import { parseXml, xml, type Element } from './xml/element.js';

/** mulberry32: small, fast, good enough to spread junk; the same seed gives the same run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** "7", "1,7,9" or "1-500" -> seeds; empty -> undefined. */
export function parseSeeds(text: string | undefined): number[] | undefined {
  if (!text?.trim()) return undefined;
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new Error(`bad seed list ${JSON.stringify(text)}: use "7", "1,7,9" or "1-500"`);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    for (let s = from; s <= to; s++) seeds.push(s);
  }
  return seeds;
}

/** The seeds and inputs per seed of this run (pass process.env): PARLEY_FUZZ_SEEDS, PARLEY_FUZZ=long for 20x the inputs. */
export function fuzzPlan(
  defaults: { seeds: number[]; inputs: number },
  env: Record<string, string | undefined>,
): { seeds: number[]; inputs: number } {
  const long = env.PARLEY_FUZZ === 'long';
  return {
    seeds: parseSeeds(env.PARLEY_FUZZ_SEEDS) ?? defaults.seeds,
    inputs: long ? defaults.inputs * 20 : defaults.inputs,
  };
}

export type Rnd = () => number;
export const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

/** Values that break assumptions: empty, huge, negative, not a number, markup, control and non-BMP text. */
const NASTY = [
  '',
  '0',
  '-1',
  '4294967296',
  '1e309',
  'NaN',
  'true',
  'null',
  '<',
  '&amp;',
  ' ',
  '\u0000',
  '😀',
  'x'.repeat(3000),
];

/** A junk string: a nasty value, or random printable characters. */
export function junkText(rnd: Rnd): string {
  if (rnd() < 0.6) return pick(rnd, NASTY);
  return Array.from({ length: 1 + Math.floor(rnd() * 40) }, () =>
    String.fromCharCode(32 + Math.floor(rnd() * 95)),
  ).join('');
}

/**
 * One to three mutations of a well-formed stanza, which stays well-formed (Prosody only delivers
 * well-formed XML): attributes changed or dropped, children dropped, duplicated, renamed or added,
 * text replaced. The root's routing attributes (from, to, type, id) are kept.
 */
export function mutateStanza(stanza: string | Element, rnd: Rnd): Element {
  const root = typeof stanza === 'string' ? parseXml(stanza) : parseXml(stanza.toString());
  const all: Element[] = [];
  const walk = (e: Element) => {
    all.push(e);
    for (const c of e.getChildElements()) walk(c);
  };
  walk(root);
  for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
    const el = all.length > 1 ? pick(rnd, all.slice(1)) : root;
    const attrs = Object.keys(el.attrs).filter((a) => el !== root || !['from', 'to', 'type', 'id'].includes(a));
    const op = Math.floor(rnd() * 7);
    if (op === 0 && attrs.length) el.attrs[pick(rnd, attrs)] = junkText(rnd);
    else if (op === 1 && attrs.length) delete el.attrs[pick(rnd, attrs)];
    else if (op === 2 && el.parent && el !== root) (el.parent as Element).remove(el);
    else if (op === 3 && el.parent && el !== root) (el.parent as Element).cnode(parseXml(el.toString()));
    else if (op === 4) el.name = pick(rnd, ['x', 'source', 'content', 'jingle', 'parameter', el.name + 'x']);
    else if (op === 5) el.cnode(xml(pick(rnd, ['source', 'ssrc-group', 'candidate', 'junk']), { ssrc: junkText(rnd) }));
    else {
      el.children = el.children.filter((c) => typeof c !== 'string');
      el.t(junkText(rnd));
    }
  }
  return root;
}

/** One to three mutations of a JSON value: fields dropped, retyped, or set to nasty values. */
export function mutateJson(value: unknown, rnd: Rnd): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  const holders: Record<string, unknown>[] = [];
  const walk = (v: unknown) => {
    if (v && typeof v === 'object') {
      holders.push(v as Record<string, unknown>);
      for (const c of Object.values(v)) walk(c);
    }
  };
  walk(copy);
  const nasty = () => pick(rnd, [null, 0, -1, 1e308, '', junkText(rnd), [], {}, true, [junkText(rnd)]]);
  for (let n = 1 + Math.floor(rnd() * 3); n > 0 && holders.length; n--) {
    const h = pick(rnd, holders);
    const keys = Object.keys(h);
    if (!keys.length || rnd() < 0.2) h[junkText(rnd).slice(0, 12) || 'k'] = nasty();
    else if (rnd() < 0.3) delete h[pick(rnd, keys)];
    else h[pick(rnd, keys)] = nasty();
  }
  return copy;
}

/** `n` random bytes from `rnd`. */
export function junkBytes(rnd: Rnd, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Byte values at the edges of what fields hold: zero, all ones, sign bits. */
const EDGE_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

/**
 * One to three byte-level mutations of a packet (a copy): a bit flipped, a byte set to an edge value,
 * a 16-bit field set to 0 or 0xffff, the end cut off, junk appended, or a slice repeated. `keep` bytes
 * at the start stay as they are (e.g. the fields a test needs to address the packet).
 */
export function mutateBytes(packet: Uint8Array, rnd: Rnd, keep = 0): Uint8Array {
  let b: Uint8Array = Uint8Array.from(packet);
  for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
    const at = keep + Math.floor(rnd() * Math.max(1, b.length - keep));
    const op = Math.floor(rnd() * 6);
    if (b.length <= keep) b = concat(b, junkBytes(rnd, 1 + Math.floor(rnd() * 8)));
    else if (op === 0) b[at] ^= 1 << Math.floor(rnd() * 8);
    else if (op === 1) b[at] = pick(rnd, EDGE_BYTES);
    else if (op === 2 && at + 1 < b.length) b.fill(rnd() < 0.5 ? 0 : 0xff, at, at + 2);
    else if (op === 3) b = b.slice(0, at);
    else if (op === 4) b = concat(b, junkBytes(rnd, 1 + Math.floor(rnd() * 64)));
    else {
      const len = Math.min(b.length - at, 1 + Math.floor(rnd() * 16));
      b = concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len));
    }
  }
  return b;
}
