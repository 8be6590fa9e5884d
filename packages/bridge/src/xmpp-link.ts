// The bridge's only door to XMPP: a client login (the bridges' account on auth.<domain>), the
// brewery MUC where it publishes its stats, and the colibri2 IQs from the focus.
import { client, xml as xmppXml } from '@xmpp/client';
import { mucJoinPresence, xml, type Element } from '@parley/protocol';
import type { Logger } from '@parley/service';

export interface BridgeXmppOptions {
  service: string;
  domain: string;
  username: string;
  password: string;
  breweryRoom: string;
  nick: string;
  log: Logger;
}

export interface BridgeXmpp {
  readonly jid: string;
  /** Handles `<conference-modify xmlns="jitsi:colibri2">`; the answer is a result payload or an `<error>`. */
  onColibri2(handler: (payload: Element, from: string) => Promise<Element>): void;
  publish(presenceChildren: Element[]): void;
  close(): Promise<void>;
}

export async function connectBridgeXmpp(o: BridgeXmppOptions): Promise<BridgeXmpp> {
  const xmpp = client({
    service: o.service,
    domain: `auth.${o.domain}`,
    username: o.username,
    password: o.password,
    resource: o.nick,
  });
  let handler: ((payload: Element, from: string) => Promise<Element>) | undefined;
  xmpp.on('error', (err: Error) => o.log.warn('xmpp.error', { error: err.message }));
  xmpp.on('offline', () => o.log.warn('xmpp.offline'));
  xmpp.iqCallee.set(
    'jitsi:colibri2',
    'conference-modify',
    async (ctx: { element: Element; from: { toString(): string } }) => {
      if (!handler)
        return xmppXml(
          'error',
          { type: 'wait' },
          xmppXml('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'),
        );
      return toXmppElement(await handler(ctx.element as Element, String(ctx.from)));
    },
  );
  let lastPresence: Element[] = [];
  const join = (children: Element[]) =>
    xmpp.send(mucJoinPresence(`${o.breweryRoom}/${o.nick}`, { maxHistory: 0, children }) as never);
  // After a reconnect the MUC membership is gone: join again with the last stats.
  xmpp.on('online', () => void join(lastPresence).catch(() => {}));
  const address = await xmpp.start();
  o.log.info('xmpp.online', { jid: String(address), brewery: o.breweryRoom, nick: o.nick });
  return {
    jid: String(address),
    onColibri2(h) {
      handler = h;
    },
    publish(children) {
      lastPresence = children;
      void xmpp.send(xml('presence', { to: `${o.breweryRoom}/${o.nick}` }, ...children) as never).catch(() => {});
    },
    async close() {
      await xmpp
        .send(xml('presence', { to: `${o.breweryRoom}/${o.nick}`, type: 'unavailable' }) as never)
        .catch(() => {});
      await xmpp.stop().catch(() => {});
    },
  };
}

/**
 * @xmpp/client only sends an IQ answer that is an instance of its own copy of ltx's Element
 * (CommonJS build), while @parley/protocol builds elements with the ESM build: copy the tree.
 */
function toXmppElement(el: Element): ReturnType<typeof xmppXml> {
  const children = el.children.map((c) => (typeof c === 'string' ? c : toXmppElement(c as Element)));
  return xmppXml(el.name, { ...el.attrs }, ...children);
}
