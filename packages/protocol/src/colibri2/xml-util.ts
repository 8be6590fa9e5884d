// Small strict readers for element attributes, shared by the colibri2, presence and focus-iq codecs.
import type { Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';

/** A required string attribute; `where` names the element for the error message. */
export function reqAttr(el: Element, name: string, where: string): string {
  const v = el.attrs[name];
  if (typeof v !== 'string' || v === '') throw new ProtocolError(`${where}: missing attribute '${name}'`);
  return v;
}

export function optAttr(el: Element, name: string): string | undefined {
  const v = el.attrs[name];
  return typeof v === 'string' ? v : undefined;
}

/** xsd:boolean ("true"/"1"/"false"/"0"); undefined when absent. */
export function boolAttr(el: Element, name: string, where: string): boolean | undefined {
  const v = optAttr(el, name);
  if (v === undefined) return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ProtocolError(`${where}: attribute '${name}' is not a boolean: '${v}'`);
}

/** A non-negative integer attribute no larger than `max`; undefined when absent. */
export function intAttr(el: Element, name: string, where: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = optAttr(el, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new ProtocolError(`${where}: attribute '${name}' is not a non-negative integer: '${v}'`);
  const n = Number(v);
  if (n > max) throw new ProtocolError(`${where}: attribute '${name}' is out of range: '${v}'`);
  return n;
}

export function reqIntAttr(el: Element, name: string, where: string, max?: number): number {
  const n = intAttr(el, name, where, max);
  if (n === undefined) throw new ProtocolError(`${where}: missing attribute '${name}'`);
  return n;
}

/** The element's namespace as declared on it or inherited from its parents. */
export function nsOf(el: Element): string | undefined {
  return (el as unknown as { getNS(): string | undefined }).getNS();
}

/** Element children only (no text nodes). */
export function childElements(el: Element): Element[] {
  return el.children.filter((c): c is Element => typeof c !== 'string');
}

/** Text content of the element (concatenated text children). */
export function textOf(el: Element): string {
  return el.getText();
}
