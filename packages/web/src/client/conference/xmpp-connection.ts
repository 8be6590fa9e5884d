// The XMPP connection (the only file importing @xmpp/client; its browser build speaks WebSocket).
// Elements cross this boundary as @parley/protocol Elements (both are ltx elements).
import { client, xml as xxml } from '@xmpp/client';
import type { Element } from '@parley/protocol';

export type IqAnswer = boolean | { error: string; text?: string };

export interface XmppHandlers {
  /** Every incoming stanza that is not an IQ request (presence, message). */
  stanza(el: Element): void;
  /** Online, the first time and after each reconnection that opened a new session. */
  online(jid: string): void;
  /** The stream resumed (XEP-0198): nothing was lost. */
  resumed(): void;
  /** The connection dropped (the client reconnects by itself until stop()). */
  disconnected(reason: string): void;
}

export interface XmppConnection {
  /** Connects and authenticates (anonymously, or with the factory's username/password); resolves with our JID. */
  start(): Promise<string>;
  stop(): Promise<void>;
  send(el: Element): void;
  request(el: Element, timeoutMs: number): Promise<Element>;
  /** Handles IQ sets of one payload (ns, name); unhandled IQ requests are answered service-unavailable. */
  onIqSet(ns: string, name: string, handler: (iq: Element, payload: Element) => Promise<IqAnswer>): void;
  /**
   * Test hook (window.parleyDebug.dropConnectionForTest): closes the WebSocket abruptly, as a network drop
   * would (the client sees an unclean close, code 1006, and reconnects by itself).
   */
  dropConnectionForTest?(): void;
}

/** Without username/password: SASL ANONYMOUS; with them: SASL PLAIN (the browser build has no SCRAM). */
export type XmppFactory = (
  opts: { service: string; domain: string; username?: string; password?: string },
  handlers: XmppHandlers,
) => XmppConnection;

type Raw = ReturnType<typeof client>;

export const createXmppConnection: XmppFactory = ({ service, domain, username, password }, handlers) => {
  const x: Raw = client({ service, domain, ...(username ? { username, password } : {}) });
  let started = false;
  x.on('error', () => {}); // surfaced through start() and 'disconnect'
  x.on('stanza', (s) => {
    const el = s as unknown as Element;
    if (el.name === 'iq') return;
    handlers.stanza(el);
  });
  x.on('online', (jid) => {
    if (started) handlers.online(String(jid));
  });
  x.on('disconnect', (ev: unknown) => {
    const reason =
      ev && typeof ev === 'object' && 'reason' in ev ? String((ev as { reason: unknown }).reason) : 'disconnected';
    if (started) handlers.disconnected(reason);
  });
  (x.streamManagement as unknown as { on?: (e: string, f: () => void) => void } | undefined)?.on?.('resumed', () =>
    handlers.resumed(),
  );
  return {
    async start() {
      const jid = await x.start();
      started = true;
      return String(jid);
    },
    async stop() {
      started = false;
      x.reconnect.stop();
      await x.stop().catch(() => {});
    },
    send(el) {
      void x.send(el as never).catch(() => {});
    },
    async request(el, timeoutMs) {
      return (await x.iqCaller.request(el as never, timeoutMs)) as unknown as Element;
    },
    dropConnectionForTest() {
      // @xmpp/websocket's Socket wrapper keeps the browser WebSocket in `.socket`.
      const ws = (x as unknown as { socket?: { socket?: WebSocket | null } | null }).socket?.socket;
      if (!ws) return;
      // The wrapper's close listener detaches itself: the real (clean) close that follows is not seen.
      ws.dispatchEvent(new CloseEvent('close', { code: 1006, reason: 'network drop (parleyDebug)', wasClean: false }));
      ws.close();
    },
    onIqSet(ns, name, handler) {
      x.iqCallee.set(ns, name, (async (ctx: { stanza: unknown; element: unknown }) => {
        const answer = await handler(ctx.stanza as Element, ctx.element as Element);
        if (answer === true) return true;
        if (answer === false) return undefined; // -> service-unavailable
        const children = [xxml(answer.error, { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })];
        if (answer.text) children.push(xxml('text', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }, answer.text));
        return xxml('error', { type: 'cancel' }, ...children);
      }) as never);
    },
  };
};
