// The focus's only door to XMPP: an XEP-0114 component connection. Everything else in the focus
// works on plain elements through the XmppLink interface, so tests can stand in for Prosody.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { type Element, parseStanzaError } from '@parley/protocol';
import type { Logger } from '@parley/service';

const require = createRequire(import.meta.url);
// CommonJS without types; only this file touches it.
const Component = require('@xmpp/component-core').Component as new (o: {
  service: string;
  domain: string;
}) => RawComponent;

interface RawComponent {
  jid: unknown;
  status: string;
  on(ev: 'stanza', cb: (el: Element) => void): void;
  on(ev: 'open', cb: (el: Element) => void): void;
  on(ev: 'error' | 'disconnect' | 'online' | 'offline', cb: (arg: unknown) => void): void;
  start?(): Promise<unknown>;
  connect(service: string): Promise<void>;
  open(o: { domain: string }): Promise<Element>;
  authenticate(id: string, password: string): Promise<void>;
  send(el: Element): Promise<void>;
  stop(): Promise<void>;
  disconnect(): Promise<void>;
}

export interface XmppLink {
  /** This component's JID, e.g. focus.meet.example. */
  readonly jid: string;
  send(stanza: Element): void;
  /** Sends an IQ get/set and resolves with the result stanza; rejects with IqError or on timeout. */
  request(iq: Element, timeoutMs?: number): Promise<Element>;
  onStanza(handler: (stanza: Element) => void): void;
  close(): Promise<void>;
}

export class IqError extends Error {
  constructor(
    readonly condition: string,
    text: string | undefined,
    readonly stanza?: Element,
  ) {
    super(text ? `${condition}: ${text}` : condition);
    this.name = 'IqError';
  }
}

/** Correlates IQ results with requests; shared by the real link and test links. */
export class IqTracker {
  private pending = new Map<string, { resolve(el: Element): void; reject(e: Error): void; timer: NodeJS.Timeout }>();

  track(iq: Element, timeoutMs: number): Promise<Element> {
    const id = (iq.attrs.id ??= randomUUID()) as string;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new IqError('remote-server-timeout', `no answer to iq ${id} from ${iq.attrs.to} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
  }

  /** Returns true when the stanza answered a pending request. */
  settle(stanza: Element): boolean {
    if (stanza.name !== 'iq' || (stanza.attrs.type !== 'result' && stanza.attrs.type !== 'error')) return false;
    const p = this.pending.get(stanza.attrs.id);
    if (!p) return false;
    this.pending.delete(stanza.attrs.id);
    clearTimeout(p.timer);
    if (stanza.attrs.type === 'result') p.resolve(stanza);
    else {
      const e = parseStanzaError(stanza);
      p.reject(new IqError(e?.condition ?? 'undefined-condition', e?.text, stanza));
    }
    return true;
  }

  rejectAll(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new IqError('remote-server-not-found', reason));
      this.pending.delete(id);
    }
  }
}

export interface ComponentOptions {
  /** xmpp://host:port of Prosody's component port. */
  service: string;
  domain: string;
  secret: string;
  log: Logger;
}

/** Connects as an XEP-0114 component; reconnects with backoff after an unexpected disconnect. */
export async function connectComponent(opts: ComponentOptions): Promise<XmppLink> {
  const handlers: ((el: Element) => void)[] = [];
  const iqs = new IqTracker();
  let closing = false;
  let entity = await openOnce();

  async function openOnce(): Promise<RawComponent> {
    const c = new Component({ service: opts.service, domain: opts.domain });
    const online = new Promise<void>((resolve, reject) => {
      c.on('open', (el: Element) => {
        c.authenticate(el.attrs.id, opts.secret).then(resolve, reject);
      });
      c.on('error', (err) => reject(err));
    });
    c.on('stanza', (el: Element) => {
      if (iqs.settle(el)) return;
      for (const h of handlers) h(el);
    });
    c.on('error', (err) => opts.log.warn('xmpp.error', { error: String((err as Error)?.message ?? err) }));
    c.on('disconnect', () => {
      if (closing) return;
      iqs.rejectAll('component connection lost');
      opts.log.warn('xmpp.disconnected', { service: opts.service });
      void reconnect();
    });
    await c.connect(opts.service);
    await c.open({ domain: opts.domain });
    await online;
    opts.log.info('xmpp.online', { jid: opts.domain });
    return c;
  }

  async function reconnect(): Promise<void> {
    for (let attempt = 1; !closing; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(500 * attempt, 5000)));
      if (closing) return;
      try {
        entity = await openOnce();
        return;
      } catch (err) {
        opts.log.warn('xmpp.reconnect_failed', { attempt, error: String((err as Error).message) });
      }
    }
  }

  return {
    jid: opts.domain,
    send(stanza) {
      stanza.attrs.from ??= opts.domain;
      entity.send(stanza).catch((err) => opts.log.warn('xmpp.send_failed', { error: String(err.message) }));
    },
    request(iq, timeoutMs = 10_000) {
      iq.attrs.from ??= opts.domain;
      const answer = iqs.track(iq, timeoutMs);
      entity.send(iq).catch(() => {});
      return answer;
    },
    onStanza(h) {
      handlers.push(h);
    },
    async close() {
      closing = true;
      iqs.rejectAll('component closed');
      await entity.stop().catch(() => {});
    },
  };
}
