// ICE restart on the client's side (issue 12): when the peer connection's ICE fails (or stays
// disconnected), the focus is told with lib-jitsi-meet's session-info <ice-state>failed</ice-state>;
// it answers with a transport-replace carrying the bridge's new ICE credentials, which we apply as
// a new offer (same DTLS, so the same SRTP keys) and answer with a transport-accept carrying ours.
// We stay in the room the whole time: the others never see us leave. Only when nothing comes back
// for `giveUpMs` is the failure shown.
import type { IceTransport, Jingle, JingleContent } from '@parley/protocol';

/** What recovery needs of a JingleSession (no DOM types, so its tests run in Node). */
export interface RestartableSession {
  readonly sid: string;
  readonly isClosed: boolean;
  readonly pc: {
    /** An RTCIceConnectionState. */
    readonly iceConnectionState: string;
    addEventListener(type: 'iceconnectionstatechange', listener: () => void): void;
  };
  /** Applies the bridge's new transport; returns our answer's transports. */
  replaceTransport(t: IceTransport): Promise<JingleContent[]>;
}

export interface IceRecoveryDeps {
  /** Sends a Jingle request to the focus. */
  send(j: Jingle): Promise<unknown>;
  log(event: string, data?: Record<string, unknown>): void;
  /** Called when the media has not come back for giveUpMs after a failure. */
  giveUp(detail: string): void;
  /** A 'disconnected' ICE state this long counts as failed (Chrome takes ~15-30 s to say 'failed'). */
  disconnectedMs?: number;
  /** While not connected, the focus is asked again this often (each ask is a new restart). */
  retryMs?: number;
  giveUpMs?: number;
}

export class IceRecovery {
  private disconnectedTimer?: ReturnType<typeof setTimeout>;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private giveUpTimer?: ReturnType<typeof setTimeout>;
  private wasConnected = false;
  private failedAt?: number;
  private closed = false;

  constructor(
    private readonly s: RestartableSession,
    private readonly deps: IceRecoveryDeps,
  ) {
    s.pc.addEventListener('iceconnectionstatechange', () => this.onIceState(s.pc.iceConnectionState));
  }

  /** A session that has connected once is restarted when it fails: its 'failed' state is not fatal. */
  get handlesFailure(): boolean {
    return this.wasConnected && !this.closed;
  }

  private onIceState(state: string): void {
    if (this.closed || this.s.isClosed) return;
    if (state === 'connected' || state === 'completed') {
      if (this.failedAt !== undefined)
        this.deps.log('ice.recovered', { ms: Date.now() - this.failedAt, sid: this.s.sid });
      this.wasConnected = true;
      this.failedAt = undefined;
      this.clearTimers();
      return;
    }
    // Only a session that worked is restarted; one that never connected is a blocked path (media-failed).
    if (!this.wasConnected) return;
    if (state === 'failed') this.report('failed');
    else if (state === 'disconnected' && !this.disconnectedTimer && this.failedAt === undefined)
      this.disconnectedTimer = setTimeout(() => {
        this.disconnectedTimer = undefined;
        if (this.s.pc.iceConnectionState === 'disconnected') this.report(`disconnected ${this.disconnectedMs} ms`);
      }, this.disconnectedMs);
  }

  private get disconnectedMs(): number {
    return this.deps.disconnectedMs ?? 4_000;
  }

  /** Tells the focus our ICE failed, and again every retryMs until it is back. */
  private report(why: string): void {
    if (this.closed) return;
    if (this.failedAt === undefined) {
      this.failedAt = Date.now();
      this.giveUpTimer = setTimeout(
        () => this.deps.giveUp(`ICE did not recover within ${(this.deps.giveUpMs ?? 60_000) / 1000} s (${why})`),
        this.deps.giveUpMs ?? 60_000,
      );
    }
    this.deps.log('ice.failed', { why, sid: this.s.sid });
    this.deps
      .send({ action: 'session-info', sid: this.s.sid, contents: [], iceState: 'failed' })
      .catch((err: Error) => this.deps.log('ice.report_failed', { error: err.message }));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      const st = this.s.pc.iceConnectionState;
      if (st !== 'connected' && st !== 'completed') this.report(`still ${st}`);
    }, this.deps.retryMs ?? 5_000);
  }

  /** The focus's transport-replace: the bridge's new credentials; returns our transport-accept. */
  async onTransportReplace(j: Jingle): Promise<Jingle> {
    const transport = j.contents.find((c) => c.transport)?.transport;
    if (!transport) throw new Error('transport-replace without a transport');
    const accept = await this.s.replaceTransport(transport);
    this.deps.log('ice.restarted', { sid: this.s.sid });
    return { action: 'transport-accept', sid: this.s.sid, contents: accept };
  }

  close(): void {
    this.closed = true;
    this.clearTimers();
  }

  private clearTimers(): void {
    clearTimeout(this.disconnectedTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.giveUpTimer);
    this.disconnectedTimer = undefined;
    this.retryTimer = undefined;
    this.giveUpTimer = undefined;
  }
}
