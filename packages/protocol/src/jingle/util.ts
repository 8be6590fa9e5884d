// Small helpers shared by the Jingle XML codec: child lookup and strict attribute parsing.
import type { Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';

/** Element children (no text nodes) named `name`, optionally in namespace `ns` (inherited xmlns counts). */
export function children(el: Element, name?: string, ns?: string): Element[] {
  const out: Element[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    const child = c as Element;
    if (name !== undefined && child.name !== name) continue;
    if (ns !== undefined && child.getNS() !== ns) continue;
    out.push(child);
  }
  return out;
}

export function child(el: Element, name: string, ns?: string): Element | undefined {
  return children(el, name, ns)[0];
}

export function attr(el: Element, name: string): string | undefined {
  const v = el.attrs[name] as unknown;
  return v === undefined || v === null ? undefined : String(v);
}

export function requireAttr(el: Element, name: string, where: string): string {
  const v = attr(el, name);
  if (v === undefined || v === '') throw new ProtocolError(`${el.name} without ${name}${where}`);
  return v;
}

/** Parses a non-negative decimal integer; `what` names the value in the error, e.g. "candidate port". */
/** "candidate port in content 'audio'" -> ["candidate port", " in content 'audio'"], to put the value first. */
function splitWhat(what: string): [string, string] {
  const i = what.indexOf(' in ');
  return i < 0 ? [what, ''] : [what.slice(0, i), what.slice(i)];
}

export function parseUint(value: string, what: string, max = 0xffffffff): number {
  const [label, where] = splitWhat(what);
  if (!/^[0-9]+$/.test(value)) throw new ProtocolError(`${label} '${value}' is not a number${where}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n > max) throw new ProtocolError(`${label} '${value}' is out of range${where}`);
  return n;
}

export function optUint(el: Element, name: string, what: string, max?: number): number | undefined {
  const v = attr(el, name);
  return v === undefined || v === '' ? undefined : parseUint(v, what, max);
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    const [label, where] = splitWhat(what);
    throw new ProtocolError(`${label} '${value}' is not one of ${allowed.join(', ')}${where}`);
  }
  return value as T;
}
