// The Janus HTTP API (https://janus.conf.meetecho.com/docs/rest.html), just enough for the VideoRoom:
// a session with plugin handles, requests to a handle, and events fetched by long polls with a bounded
// wait each. One session per benchmark participant, as each browser would have its own.
import { randomUUID } from 'node:crypto';

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  trickle?: boolean;
}

/** A Janus event for a handle: the plugin's data and, for offers/answers, the jsep. */
export interface PluginEvent {
  sender: number;
  data: Record<string, unknown>;
  jsep?: Jsep;
}

interface Message {
  janus: string;
  transaction?: string;
  sender?: number;
  data?: { id: number };
  plugindata?: { data: Record<string, unknown> };
  jsep?: Jsep;
  error?: { code: number; reason: string };
}

export class JanusSession {
  private events: PluginEvent[] = [];
  private waiters: (() => void)[] = [];
  private polling = true;
  private readonly stopPolls = new AbortController();
  private poller: Promise<void>;

  private constructor(
    private readonly base: string,
    readonly id: number,
  ) {
    this.poller = this.poll();
  }

  static async create(base: string): Promise<JanusSession> {
    const r = await post(base, { janus: 'create' });
    return new JanusSession(base, r.data!.id);
  }

  async attach(plugin = 'janus.plugin.videoroom'): Promise<number> {
    const r = await post(`${this.base}/${this.id}`, { janus: 'attach', plugin });
    return r.data!.id;
  }

  /**
   * Sends a request to a handle. Synchronous requests (create, ...) answer with the plugin data at once;
   * asynchronous ones (join, publish, start) answer `ack` and their result arrives as an event, which
   * this waits for (bounded) when `waitFor` says which event data to expect.
   */
  async request(
    handle: number,
    body: Record<string, unknown>,
    jsep?: Jsep,
    waitFor?: (e: PluginEvent) => boolean,
    timeoutMs = 20_000,
  ): Promise<PluginEvent> {
    const r = await post(`${this.base}/${this.id}/${handle}`, { janus: 'message', body, ...(jsep ? { jsep } : {}) });
    if (r.janus === 'success') {
      const data = r.plugindata?.data ?? {};
      if (data.error) throw new Error(`janus ${String(body.request)}: ${String(data.error)}`);
      return { sender: handle, data };
    }
    if (!waitFor) return { sender: handle, data: {} };
    return this.next((e) => e.sender === handle && (Boolean(e.data.error) || waitFor(e)), timeoutMs, body);
  }

  /** The first event (already received or coming) that matches; throws on a plugin error or timeout. */
  async next(match: (e: PluginEvent) => boolean, timeoutMs: number, what: unknown): Promise<PluginEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.events.findIndex(match);
      if (i >= 0) {
        const [e] = this.events.splice(i, 1);
        if (e.data.error) throw new Error(`janus: ${String(e.data.error)} (request ${JSON.stringify(what)})`);
        return e;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`janus: no answer within ${timeoutMs} ms to ${JSON.stringify(what)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Long polls for events (each poll bounded by Janus's 30 s and our abort) while the session lives. */
  private async poll(): Promise<void> {
    while (this.polling) {
      let batch: Message[] = [];
      try {
        const r = await fetch(`${this.base}/${this.id}?maxev=10&rid=${Date.now()}`, {
          signal: AbortSignal.any([AbortSignal.timeout(35_000), this.stopPolls.signal]),
        });
        const body = (await r.json()) as Message | Message[];
        batch = Array.isArray(body) ? body : [body];
      } catch {
        if (this.polling) await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      for (const m of batch) {
        if (m.janus === 'event' && m.sender !== undefined)
          this.events.push({ sender: m.sender, data: m.plugindata?.data ?? {}, jsep: m.jsep });
      }
      for (const w of this.waiters.splice(0)) w();
    }
  }

  async destroy(): Promise<void> {
    this.polling = false;
    this.stopPolls.abort();
    await post(`${this.base}/${this.id}`, { janus: 'destroy' }).catch(() => {});
    await this.poller.catch(() => {});
  }
}

async function post(url: string, body: Record<string, unknown>): Promise<Message> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, transaction: randomUUID() }),
    signal: AbortSignal.timeout(20_000),
  });
  const m = (await r.json()) as Message;
  if (m.janus === 'error') throw new Error(`janus ${String(body.janus)}: ${m.error?.code} ${m.error?.reason}`);
  return m;
}
