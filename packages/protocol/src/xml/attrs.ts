// The one set of strict element readers every codec in this package uses: child lookup, attributes,
// numbers, booleans and enumerations. Errors are ProtocolError (bad-request) naming the element, the
// attribute and the offending value; `where` is a context suffix such as " in content 'audio'".
import type { Element } from './element.js';
import { ProtocolError } from '../errors/protocol-error.js';

/** Element children (no text nodes) named `name`, optionally in namespace `ns` (inherited xmlns counts). */
export function children(el: Element, name?: string, ns?: string): Element[] {
  const out: Element[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    const ch = c as Element;
    if (name !== undefined && ch.name !== name) continue;
    if (ns !== undefined && ch.getNS() !== ns) continue;
    out.push(ch);
  }
  return out;
}

export function child(el: Element, name: string, ns?: string): Element | undefined {
  return children(el, name, ns)[0];
}

/** The element's namespace as declared on it or inherited from its parents. */
export function nsOf(el: Element): string | undefined {
  return el.getNS() as string | undefined;
}

/** An attribute as a string; undefined when absent. */
export function attr(el: Element, name: string): string | undefined {
  const v = el.attrs[name] as unknown;
  return v === undefined || v === null ? undefined : String(v);
}

/** A required, non-empty attribute: "candidate without ip in content 'audio'". */
export function requireAttr(el: Element, name: string, where = ''): string {
  const v = attr(el, name);
  if (v === undefined || v === '') throw new ProtocolError(`${el.name} without ${name}${where}`);
  return v;
}

/** xsd:boolean ("true"/"1"/"false"/"0"); undefined when absent. */
export function boolAttr(el: Element, name: string, where = ''): boolean | undefined {
  const v = attr(el, name);
  if (v === undefined) return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ProtocolError(`${el.name} attribute '${name}' is not a boolean: '${v}'${where}`);
}

/** Parses a non-negative decimal integer no larger than `max`; `label` names the value, e.g. "sctp-port". */
export function parseUint(value: string, label: string, where = '', max = 0xffffffff): number {
  if (!/^[0-9]+$/.test(value)) throw new ProtocolError(`${label} '${value}' is not a number${where}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n > max)
    throw new ProtocolError(`${label} '${value}' is out of range 0..${max}${where}`);
  return n;
}

/** A non-negative integer attribute no larger than `max`; undefined when absent or empty. */
export function optUint(el: Element, name: string, where = '', max = 0xffffffff): number | undefined {
  const v = attr(el, name);
  if (v === undefined || v === '') return undefined;
  if (!/^[0-9]+$/.test(v)) throw new ProtocolError(`${el.name} ${name} '${v}' is not a number${where}`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n > max) {
    throw new ProtocolError(`${el.name} attribute '${name}' is out of range: ${v} > ${max}${where}`);
  }
  return n;
}

/** A required non-negative integer attribute: "payload-type id 'x1' is not a number in content 'video'". */
export function requireUint(el: Element, name: string, where = '', max?: number): number {
  const n = optUint(el, name, where, max);
  if (n === undefined) throw new ProtocolError(`${el.name} without ${name}${where}`);
  return n;
}

/** `value` if it is one of `allowed`; `label` names it: "description media 'speech' is not one of audio, video". */
export function oneOf<T extends string>(value: string, allowed: readonly T[], label: string, where = ''): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ProtocolError(`${label} '${value}' is not one of ${allowed.join(', ')}${where}`);
  }
  return value as T;
}
