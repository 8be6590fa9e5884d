// The one XML representation every Parley package shares: ltx elements, the same objects
// @xmpp/client and @xmpp/component hand to their listeners. Browser-safe.
import { Element, createElement, parse } from 'ltx';

export { Element };
export type Attrs = Record<string, string | number | boolean | undefined | null>;
export type Child = Element | string | null | undefined | false;

/** Builds an element, dropping attributes that are undefined/null/false and children that are falsy. */
export function xml(name: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): Element {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    clean[k] = String(v);
  }
  const el = createElement(name, clean) as Element;
  for (const c of children.flat()) if (c) el.cnode(typeof c === 'string' ? (c as unknown as Element) : c);
  return el;
}

/** Parses one XML document into an element; throws ProtocolError-compatible Error naming the problem. */
export function parseXml(text: string): Element {
  try {
    const el = parse(text) as Element;
    if (!el || typeof el.name !== 'string') throw new Error('no root element');
    return el;
  } catch (err) {
    throw new Error(`malformed XML: ${(err as Error).message}`);
  }
}
