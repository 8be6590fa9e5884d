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
  /** Whether the XMPP session is up now. */
  readonly online: boolean;
  /** Called each time the session is back after it was lost (Prosody restarted), after the brewery rejoin. */
  onReconnected(handler: () => void): void;
  close(): Promise<void>;
}

export async function connectBridgeXmpp(o: BridgeXmppOptions): Promise<BridgeXmpp> {
  const xmpp = client({
    service: o.service,
    domain: `auth.${o.domain}`,
    username: o.username,
    password: o.password,
    resource: o.nick,
    // Opening the stream waits this long (the library's default, 2 s, is too short for a loaded machine).
    timeout: 10_000,
  } as Parameters<typeof client>[0]);
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
  let online = false;
  let wasLost = false;
  let closing = false;
  const reconnected: (() => void)[] = [];
  const join = (children: Element[]) =>
    xmpp.send(mucJoinPresence(`${o.breweryRoom}/${o.nick}`, { maxHistory: 0, children }) as never);
  // @xmpp/client's reconnect module retries every second after the connection is lost; a send while
  // it is down would write to a closed socket ("reading 'write'"), so sends wait for 'online'.
  xmpp.on('disconnect', () => {
    if (!online || closing) return;
    online = false;
    wasLost = true;
    o.log.warn('xmpp.disconnected', { server: o.service });
  });
  xmpp.on('online', () => {
    online = true;
    // After a reconnect the MUC membership is gone: join again with the last stats.
    void join(lastPresence).catch(() => {});
    if (!wasLost) return;
    wasLost = false;
    o.log.info('xmpp.reconnected', { server: o.service });
    for (const h of reconnected) h();
  });
  // @xmpp/reconnect retries only after a 'disconnect': a reconnect whose socket connected but whose
  // stream never opened (Prosody still starting) would wait for Prosody to drop it (~30 s measured).
  // The first login is not watched: start-up has its own bound, and a loaded machine took 13 s.
  let stuckSince: number | undefined;
  const watchdog = setInterval(() => {
    const status = (xmpp as unknown as { status: string }).status;
    if (online || closing || !wasLost || ['disconnect', 'connecting', 'offline'].includes(status)) {
      stuckSince = undefined;
      return;
    }
    stuckSince ??= Date.now();
    if (Date.now() - stuckSince < 20_000) return;
    stuckSince = undefined;
    o.log.warn('xmpp.reconnect_stuck', { status });
    (xmpp as unknown as { socket?: { destroy(): void } }).socket?.destroy();
  }, 1000);
  watchdog.unref();
  const address = await xmpp.start();
  o.log.info('xmpp.online', { jid: String(address), brewery: o.breweryRoom, nick: o.nick });
  return {
    jid: String(address),
    onColibri2(h) {
      handler = h;
    },
    get online() {
      return online;
    },
    onReconnected(h) {
      reconnected.push(h);
    },
    publish(children) {
      lastPresence = children;
      if (!online) return; // sent with the rejoin once the session is back
      void xmpp.send(xml('presence', { to: `${o.breweryRoom}/${o.nick}` }, ...children) as never).catch(() => {});
    },
    async close() {
      closing = true;
      clearInterval(watchdog);
      if (!online) return void (await xmpp.stop().catch(() => {}));
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
