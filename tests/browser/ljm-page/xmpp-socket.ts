// XMPP over WebSocket (RFC 7395) for the lib-jitsi-meet-like test page, in the spirit of Strophe's
// WebSocket transport that lib-jitsi-meet uses: one stanza per frame, SASL ANONYMOUS, resource
// binding, IQ requests matched by id, IQ sets dispatched by payload. Test-only code.
import { parseXml, xml, type Element } from '@parley/protocol';

const FRAMING_NS = 'urn:ietf:params:xml:ns:xmpp-framing';
const SASL_NS = 'urn:ietf:params:xml:ns:xmpp-sasl';
const BIND_NS = 'urn:ietf:params:xml:ns:xmpp-bind';
const STANZAS_NS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/** What an IQ-set handler answers: true (result) or an error condition with a text. */
export type IqReply = true | { condition: string; text?: string };

const localName = (el: Element): string => el.name.split(':').pop() ?? el.name;

export class XmppSocket {
  jid = '';
  private ws: WebSocket | undefined;
  private nextId = 0;
  private readonly pending = new Map<string, { resolve(el: Element): void; reject(err: Error): void }>();
  private readonly iqHandlers = new Map<string, (iq: Element, payload: Element) => IqReply | Promise<IqReply>>();
  private frameWaiter: ((el: Element) => void) | undefined;
  private readonly backlog: Element[] = [];
  /** Presence and message stanzas. */
  onStanza: (el: Element) => void = () => {};
  /** Every frame in and out (for the test's failure report). */
  trace: (line: string) => void = () => {};

  constructor(
    private readonly url: string,
    private readonly domain: string,
  ) {}

  /** Opens the stream, logs in anonymously and binds a resource; resolves with the full JID. */
  async connect(): Promise<string> {
    const ws = new WebSocket(this.url, 'xmpp');
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`WebSocket ${this.url} failed`));
    });
    ws.onmessage = (ev) => {
      this.trace(`in: ${String(ev.data)}`);
      this.onFrame(parseXml(String(ev.data)));
    };
    ws.onclose = (ev) => {
      this.trace(`closed: ${ev.code} ${ev.reason}`);
      for (const p of this.pending.values()) p.reject(new Error('XMPP connection closed'));
      this.pending.clear();
    };
    await this.openStream();
    const features = await this.nextFrame('features');
    const mechanisms = features
      .getChild('mechanisms', SASL_NS)
      ?.getChildren('mechanism')
      .map((m) => m.getText());
    if (!mechanisms?.includes('ANONYMOUS')) throw new Error(`no SASL ANONYMOUS (offered: ${mechanisms?.join(',')})`);
    this.sendRaw(xml('auth', { xmlns: SASL_NS, mechanism: 'ANONYMOUS' }));
    const outcome = await this.nextFrame('success', 'failure');
    if (localName(outcome) !== 'success') throw new Error(`SASL ANONYMOUS failed: ${outcome.toString()}`);
    await this.openStream();
    await this.nextFrame('features');
    const bound = await this.request(xml('iq', { type: 'set' }, xml('bind', { xmlns: BIND_NS })));
    this.jid = bound.getChild('bind', BIND_NS)?.getChildText('jid') ?? '';
    if (!this.jid) throw new Error(`resource binding gave no JID: ${bound.toString()}`);
    return this.jid;
  }

  /** Handles IQ sets whose payload is `name` in `ns`; others are answered service-unavailable. */
  handleIq(ns: string, name: string, handler: (iq: Element, payload: Element) => IqReply | Promise<IqReply>): void {
    this.iqHandlers.set(`${ns} ${name}`, handler);
  }

  send(el: Element): void {
    this.sendRaw(el);
  }

  /** Sends an IQ and resolves with the result; an error reply rejects with its condition and text. */
  request(iq: Element, timeoutMs = 10_000): Promise<Element> {
    const id = `ljm${++this.nextId}`;
    iq.attrs.id = id;
    return new Promise<Element>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`IQ ${iq.getChildElements()[0]?.name ?? ''} to ${iq.attrs.to} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (el) => {
          clearTimeout(timer);
          resolve(el);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      this.sendRaw(iq);
    });
  }

  close(): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.sendRaw(xml('close', { xmlns: FRAMING_NS }));
    this.ws?.close();
  }

  private openStream(): Promise<Element> {
    this.sendRaw(xml('open', { xmlns: FRAMING_NS, to: this.domain, version: '1.0' }));
    return this.nextFrame('open');
  }

  private sendRaw(el: Element): void {
    if (this.ws?.readyState !== WebSocket.OPEN) throw new Error('XMPP connection is not open');
    // RFC 7395: every stanza frame names its namespace (there is no stream element to inherit it from).
    if (['iq', 'presence', 'message'].includes(el.name) && !el.attrs.xmlns) el.attrs.xmlns = 'jabber:client';
    const text = el.toString();
    this.trace(`out: ${text}`);
    this.ws.send(text);
  }

  /** Waits for the next stream-level frame (open, features, success, ...) during login. */
  private nextFrame(...names: string[]): Promise<Element> {
    const early = this.backlog.findIndex((el) => names.includes(localName(el)));
    if (early >= 0) return Promise.resolve(this.backlog.splice(early, 1)[0]);
    return new Promise<Element>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no <${names.join('/')}> from the server`)), 10_000);
      this.frameWaiter = (el) => {
        if (!names.includes(localName(el))) return;
        clearTimeout(timer);
        this.frameWaiter = undefined;
        resolve(el);
      };
    });
  }

  private onFrame(el: Element): void {
    const name = localName(el);
    if (name === 'iq') return void this.onIq(el);
    if (name === 'presence' || name === 'message') return this.onStanza(el);
    if (this.frameWaiter) this.frameWaiter(el);
    else this.backlog.push(el);
  }

  private async onIq(iq: Element): Promise<void> {
    const type = iq.attrs.type;
    const id = String(iq.attrs.id ?? '');
    if (type === 'result' || type === 'error') {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (type === 'result') return p.resolve(iq);
      const error = iq.getChild('error');
      const condition = error?.getChildElements().find((c) => c.attrs.xmlns === STANZAS_NS && c.name !== 'text');
      const text = error?.getChildText('text', STANZAS_NS);
      return p.reject(new Error(`${condition?.name ?? 'error'}${text ? `: ${text}` : ''}`));
    }
    const payload = iq.getChildElements()[0];
    const handler = payload && this.iqHandlers.get(`${payload.attrs.xmlns} ${payload.name}`);
    let reply: IqReply = { condition: 'service-unavailable' };
    if (handler) {
      try {
        reply = await handler(iq, payload);
      } catch (err) {
        reply = { condition: 'internal-server-error', text: (err as Error).message };
      }
    }
    const answer = xml('iq', { type: reply === true ? 'result' : 'error', to: iq.attrs.from, id });
    if (reply !== true) {
      answer.cnode(
        xml(
          'error',
          { type: 'cancel' },
          xml(reply.condition, { xmlns: STANZAS_NS }),
          reply.text !== undefined && xml('text', { xmlns: STANZAS_NS }, reply.text),
        ),
      );
    }
    if (this.ws?.readyState === WebSocket.OPEN) this.sendRaw(answer);
  }
}
