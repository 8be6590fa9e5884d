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
  /** ms to wait for the stream to open (library default 2000: too short for a loaded machine) */
  timeout?: number;
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
  /** Reconnect backoff: first delay and cap, ms (defaults 250 and 2000). */
  reconnectMs?: { first: number; max: number };
}

/** A component link that reconnects on its own and says when it goes offline and online again. */
export interface ComponentLink extends XmppLink {
  readonly online: boolean;
  /** Called with false when the connection to Prosody is lost, with true when it is back. */
  onConnectionChange(handler: (online: boolean) => void): void;
}

/**
 * Connects as an XEP-0114 component; reconnects with backoff after an unexpected disconnect (Prosody
 * restarted or killed). While offline, send() drops stanzas and request() fails at once: nothing is
 * written to a closed socket, and nobody waits for an answer that cannot come.
 */
export async function connectComponent(opts: ComponentOptions): Promise<ComponentLink> {
  const handlers: ((el: Element) => void)[] = [];
  const changeHandlers: ((online: boolean) => void)[] = [];
  const iqs = new IqTracker();
  const backoff = opts.reconnectMs ?? { first: 250, max: 2000 };
  let closing = false;
  let reconnecting = false;
  let entity = await openOnce();
  let online = true;

  const notify = (state: boolean) => {
    for (const h of changeHandlers) {
      try {
        h(state);
      } catch (err) {
        opts.log.error('xmpp.connection_handler_failed', { error: err as Error });
      }
    }
  };

  /** One connection attempt; on failure the half-open component is torn down and the error thrown. */
  async function openOnce(): Promise<RawComponent> {
    const c = new Component({ service: opts.service, domain: opts.domain, timeout: 10_000 });
    let authenticated: { resolve(): void; reject(e: unknown): void } | undefined;
    const ready = new Promise<void>((resolve, reject) => (authenticated = { resolve, reject }));
    // Rejected by an error event before anything awaits it (ECONNREFUSED during connect): awaited
    // below, but must never count as an unhandled rejection in between (it used to end the process).
    ready.catch(() => {});
    c.on('open', (el: Element) => {
      c.authenticate(el.attrs.id, opts.secret).then(authenticated!.resolve, authenticated!.reject);
    });
    c.on('error', (err) => authenticated!.reject(err));
    c.on('stanza', (el: Element) => {
      if (iqs.settle(el)) return;
      for (const h of handlers) h(el);
    });
    c.on('error', (err) => opts.log.warn('xmpp.error', { error: String((err as Error)?.message ?? err) }));
    try {
      await c.connect(opts.service);
      await c.open({ domain: opts.domain });
      await ready;
    } catch (err) {
      c.stop().catch(() => {});
      throw err;
    }
    // Only an established connection's loss starts a reconnect; failed attempts are retried by the loop.
    c.on('disconnect', () => {
      if (!closing && c === entity && online) lost();
    });
    opts.log.info('xmpp.online', { jid: opts.domain });
    return c;
  }

  function lost(): void {
    online = false;
    iqs.rejectAll('component connection lost');
    opts.log.warn('xmpp.disconnected', { server: opts.service });
    notify(false);
    void reconnect();
  }

  async function reconnect(): Promise<void> {
    if (reconnecting) return;
    reconnecting = true;
    const since = Date.now();
    try {
      for (let attempt = 1, delay = backoff.first; !closing; attempt++, delay = Math.min(delay * 2, backoff.max)) {
        await new Promise((r) => setTimeout(r, delay));
        if (closing) return;
        try {
          entity = await openOnce();
          online = true;
          opts.log.info('xmpp.reconnected', { attempt, offlineMs: Date.now() - since });
          notify(true);
          return;
        } catch (err) {
          opts.log.warn('xmpp.reconnect_failed', {
            attempt,
            retryMs: Math.min(delay * 2, backoff.max),
            error: err as Error,
          });
        }
      }
    } finally {
      reconnecting = false;
    }
  }

  return {
    jid: opts.domain,
    get online() {
      return online && !closing;
    },
    send(stanza) {
      stanza.attrs.from ??= opts.domain;
      if (closing || !online) {
        opts.log.debug('xmpp.send_dropped', { why: closing ? 'closed' : 'offline', stanza: stanza.name });
        return;
      }
      entity.send(stanza).catch((err) => opts.log.warn('xmpp.send_failed', { error: String(err.message) }));
    },
    request(iq, timeoutMs = 10_000) {
      iq.attrs.from ??= opts.domain;
      if (closing || !online)
        return Promise.reject(
          new IqError('remote-server-not-found', closing ? 'component closed' : 'not connected to the XMPP server'),
        );
      const answer = iqs.track(iq, timeoutMs);
      entity.send(iq).catch(() => {});
      return answer;
    },
    onStanza(h) {
      handlers.push(h);
    },
    onConnectionChange(h) {
      changeHandlers.push(h);
    },
    async close() {
      closing = true;
      iqs.rejectAll('component closed');
      await entity.stop().catch(() => {});
    },
  };
}
