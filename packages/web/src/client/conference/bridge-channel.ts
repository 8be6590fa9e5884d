// The bridge channel: JSON messages over the SCTP data channel to the bridge. Malformed messages
// are counted and dropped; outgoing messages wait for the channel to open.
import { encodeBridgeChannelMessage, parseBridgeChannelMessage, type BridgeChannelMessage } from '@parley/protocol';

export class BridgeChannel {
  dropped = 0;
  private pending: string | undefined;
  private closed = false;

  constructor(
    private readonly dc: RTCDataChannel,
    private readonly onMessage: (m: BridgeChannelMessage) => void,
  ) {
    dc.addEventListener('message', (ev: MessageEvent) => this.receive(ev.data));
    dc.addEventListener('open', () => this.flush());
  }

  private receive(data: unknown): void {
    if (this.closed) return;
    let m: BridgeChannelMessage;
    try {
      m = parseBridgeChannelMessage(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
    } catch {
      this.dropped++;
      return;
    }
    this.onMessage(m);
  }

  /** Sends now when open; otherwise keeps the latest message (constraints replace each other) until open. */
  send(m: BridgeChannelMessage): void {
    let text: string;
    try {
      text = encodeBridgeChannelMessage(m);
    } catch {
      return;
    }
    if (this.dc.readyState === 'open') {
      try {
        this.dc.send(text);
      } catch {
        this.pending = text;
      }
    } else this.pending = text;
  }

  private flush(): void {
    if (this.pending === undefined || this.dc.readyState !== 'open') return;
    const text = this.pending;
    this.pending = undefined;
    try {
      this.dc.send(text);
    } catch {
      /* closed meanwhile */
    }
  }

  close(): void {
    this.closed = true;
    try {
      this.dc.close();
    } catch {
      /* already closed */
    }
  }
}
