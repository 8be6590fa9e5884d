// Jingle (XEP-0166) <jingle> element <-> the plain `Jingle` model, with strict validation.
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { ICE_STATES, NS, type Jingle, type JingleAction, type JingleContent, type Senders } from './model.js';
import { rtpDescriptionToXml, parseRtpDescription } from './description.js';
import { parseIceTransport, iceTransportToXml } from './transport.js';
import { attr, children, oneOf, requireAttr } from '../xml/attrs.js';

export const JINGLE_ACTIONS: readonly JingleAction[] = [
  'session-initiate',
  'session-accept',
  'session-terminate',
  'session-info',
  'source-add',
  'source-remove',
  'transport-info',
  'transport-replace',
  'transport-accept',
  'content-modify',
];
const SENDERS: readonly Senders[] = ['both', 'initiator', 'responder', 'none'];

export function jingleContentToXml(c: JingleContent): Element {
  // The data content has no RTP description; Jitsi still marks it media="application".
  const desc = c.description
    ? rtpDescriptionToXml(c.description)
    : c.transport?.sctpPort !== undefined && xml('description', { xmlns: NS.rtp, media: 'application' });
  return xml(
    'content',
    { creator: c.creator, name: c.name, senders: c.senders },
    desc,
    c.transport && iceTransportToXml(c.transport),
  );
}

export function jingleToXml(j: Jingle): Element {
  return xml(
    'jingle',
    { xmlns: NS.jingle, action: j.action, sid: j.sid, initiator: j.initiator, responder: j.responder },
    j.contents.map(jingleContentToXml),
    j.bundle !== undefined &&
      xml(
        'group',
        { xmlns: NS.grouping, semantics: 'BUNDLE' },
        j.bundle.map((name) => xml('content', { name })),
      ),
    j.reason &&
      xml('reason', {}, xml(j.reason.condition), j.reason.text !== undefined && xml('text', {}, j.reason.text)),
    j.iceState !== undefined && xml('ice-state', { xmlns: NS.focus }, j.iceState),
    j.bridgeSession !== undefined &&
      xml('bridge-session', { xmlns: NS.focus, id: j.bridgeSession, restart: j.restartRequested ? 'true' : undefined }),
  );
}

export function parseJingleContent(el: Element): JingleContent {
  const name = attr(el, 'name');
  if (!name) throw new ProtocolError('content without name');
  const creator = attr(el, 'creator') ?? 'initiator';
  const senders = attr(el, 'senders') ?? 'both';
  const where = ` in content '${name}'`;
  const c: JingleContent = {
    name,
    creator: oneOf(creator, ['initiator', 'responder'] as const, 'content creator', where),
    senders: oneOf(senders, SENDERS, 'content senders', where),
  };
  const descs = children(el, 'description', NS.rtp);
  if (descs.length > 1) throw new ProtocolError(`more than one description${where}`);
  if (descs[0]) {
    const d = parseRtpDescription(descs[0], name);
    if (d) c.description = d;
  }
  const transports = children(el, 'transport', NS.iceUdp);
  if (transports.length > 1) throw new ProtocolError(`more than one transport${where}`);
  if (transports[0]) c.transport = parseIceTransport(transports[0], name);
  return c;
}

/** Parses a <jingle xmlns="urn:xmpp:jingle:1"> element; throws ProtocolError naming the first problem. */
export function parseJingle(el: Element): Jingle {
  if (el.name !== 'jingle') throw new ProtocolError(`expected <jingle>, got <${el.name}>`);
  if (el.getNS() !== NS.jingle)
    throw new ProtocolError(`jingle element has namespace '${el.getNS() ?? ''}', expected '${NS.jingle}'`);
  const action = attr(el, 'action');
  if (!action) throw new ProtocolError('jingle without action');
  if (!JINGLE_ACTIONS.includes(action as JingleAction)) throw new ProtocolError(`unknown jingle action '${action}'`);
  const sid = attr(el, 'sid');
  if (!sid) throw new ProtocolError('jingle without sid');
  const j: Jingle = { action: action as JingleAction, sid, contents: [] };
  const initiator = attr(el, 'initiator');
  if (initiator) j.initiator = initiator;
  const responder = attr(el, 'responder');
  if (responder) j.responder = responder;
  const names = new Set<string>();
  for (const c of children(el, 'content')) {
    const content = parseJingleContent(c);
    if (names.has(content.name)) throw new ProtocolError(`duplicate content '${content.name}'`);
    names.add(content.name);
    j.contents.push(content);
  }
  for (const g of children(el, 'group', NS.grouping)) {
    if (attr(g, 'semantics') !== 'BUNDLE') continue;
    j.bundle = children(g, 'content').map((c) => requireAttr(c, 'name', ' in BUNDLE group'));
  }
  const reason = children(el, 'reason')[0];
  if (reason) {
    const cond = children(reason).find((c) => c.name !== 'text');
    if (!cond) throw new ProtocolError('reason without condition');
    j.reason = { condition: cond.name };
    const text = children(reason, 'text')[0];
    if (text) j.reason.text = text.getText();
  }
  parseSessionInfo(el, j);
  return j;
}

/** lib-jitsi-meet's session-info children: <ice-state> (the client's ICE state) and <bridge-session id>. */
function parseSessionInfo(el: Element, j: Jingle): void {
  const iceState = children(el, 'ice-state', NS.focus);
  if (iceState.length > 1) throw new ProtocolError('more than one ice-state');
  if (iceState[0]) j.iceState = oneOf(iceState[0].getText().trim(), ICE_STATES, 'ice-state', ` in ${j.action}`);
  const bridgeSession = children(el, 'bridge-session', NS.focus);
  if (bridgeSession.length > 1) throw new ProtocolError('more than one bridge-session');
  if (bridgeSession[0]) {
    j.bridgeSession = requireAttr(bridgeSession[0], 'id', ' in bridge-session');
    if (attr(bridgeSession[0], 'restart') === 'true') j.restartRequested = true;
  }
}
