// How long a Jingle session may take to connect after our session-accept, and what happens when it
// does not. ICE up but DTLS not, half-way through the media wait, is a stalled handshake rather than a
// blocked network: once per join we ask the focus for a new session (media-session.ts sends the
// session-terminate with <bridge-session restart="true"/>). Anything else not connected when the wait
// ends is media-failed (the doctor page's error).

import type { Jingle } from '@parley/protocol';

/** lib-jitsi-meet's way to ask for a new session: session-terminate with <bridge-session restart="true"/>. */
export function newSessionRequest(sid: string): Jingle {
  return {
    action: 'session-terminate',
    sid,
    contents: [],
    reason: { condition: 'connectivity-error', text: 'DTLS did not complete' },
    bridgeSession: sid,
    restartRequested: true,
  };
}

/** The parts of a Jingle session the watchdog reads (no DOM types, so it runs in Node). */
export interface WatchedSession {
  readonly pc: { readonly connectionState: string; readonly iceConnectionState: string };
}

export interface SessionWatchdogDeps {
  mediaMs: number;
  /** Whether s is still the current session. */
  isCurrent(s: WatchedSession): boolean;
  /** Whether a session exists now (after asking, the new one must come). */
  hasSession(): boolean;
  /** Whether the join is over (left, or ended on an error): nothing to report then. */
  isOver(): boolean;
  askForNewSession(s: WatchedSession, detail: string): void;
  fail(detail: string): void;
}

export class SessionWatchdog {
  private mediaTimer?: ReturnType<typeof setTimeout>;
  private stallTimer?: ReturnType<typeof setTimeout>;
  private newSessionTimer?: ReturnType<typeof setTimeout>;
  private asked = false;

  constructor(private readonly d: SessionWatchdogDeps) {}

  /** Our answer to s is sent: it must connect within mediaMs. */
  watch(s: WatchedSession): void {
    this.stop();
    clearTimeout(this.newSessionTimer);
    const notConnected = (ms: number) =>
      `not connected ${ms / 1000} s after session-accept (connectionState ${s.pc.connectionState}, ICE ${s.pc.iceConnectionState})`;
    // DTLS takes well under a second once ICE is up: half the media wait is a stall, not a slow network.
    this.stallTimer = setTimeout(() => {
      const ice = s.pc.iceConnectionState;
      if (!this.d.isCurrent(s) || s.pc.connectionState === 'connected' || this.asked) return;
      if (ice !== 'connected' && ice !== 'completed') return;
      this.asked = true;
      const detail = notConnected(this.d.mediaMs / 2);
      this.d.askForNewSession(s, detail);
      this.newSessionTimer = setTimeout(() => {
        if (!this.d.hasSession() && !this.d.isOver()) this.d.fail(`${detail}; no new session offered`);
      }, this.d.mediaMs);
    }, this.d.mediaMs / 2);
    this.mediaTimer = setTimeout(() => {
      if (this.d.isCurrent(s) && s.pc.connectionState !== 'connected') this.d.fail(notConnected(this.d.mediaMs));
    }, this.d.mediaMs);
  }

  /** The session connected or closed. */
  stop(): void {
    clearTimeout(this.mediaTimer);
    clearTimeout(this.stallTimer);
  }
}
