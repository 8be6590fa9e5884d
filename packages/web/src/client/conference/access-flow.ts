// Access (issue 11), the store's side. A refusal from the focus becomes a screen: "host-must-log-in"
// (access mode "login") shows waiting-for-host, where the store asks the focus again every few
// seconds and the host can log in; a token refusal is the access-denied error screen.
import { inviteToken, isBadCredentials, refusalOf } from './access.js';
import type { Conference } from './context.js';
import { errorDetail } from './errors.js';
import type { Signaling } from './signaling.js';

/** How often a waiting guest asks the focus whether the meeting has started. */
export const WAITING_RETRY_MS = 3000;
/** A guest waits at most this long for the host (then the signaling-failed screen says so). */
export const WAITING_MAX_MS = 60 * 60_000;

export interface AccessFlow {
  /** Joining failed: an access refusal shows its screen (waiting for the host, access denied), else signaling-failed. */
  joinFailed(err: unknown): void;
  login(username: string, password: string): Promise<void>;
  /** The conference is ready: join the MUC room. */
  enterRoom(): void;
  stop(): void;
}

export function createAccessFlow(c: Conference, signaling: Signaling): AccessFlow {
  c.token = inviteToken(c.env.location.search);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitingSince = 0;
  const waiting = () => c.state.phase === 'waiting-for-host';
  const enterRoom = () => {
    signaling.joinRoom(20);
    c.refresh();
  };

  function handleRefusal(err: unknown): boolean {
    const reason = refusalOf(err);
    if (!reason) return false;
    if (reason === 'host-must-log-in' && !c.login) {
      if (!waiting()) waitingSince = Date.now();
      c.set({ phase: 'waiting-for-host' });
      askAgainLater();
      return true;
    }
    c.fail({ kind: 'access-denied', reason, detail: errorDetail(err) });
    return true;
  }

  function askAgainLater(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void askAgain(), WAITING_RETRY_MS);
  }

  async function askAgain(): Promise<void> {
    const x = c.xmpp;
    if (!waiting() || !x || c.login) return;
    try {
      await signaling.requestConference(x);
    } catch (err) {
      if (!waiting() || c.xmpp !== x || c.login) return;
      if (refusalOf(err) === 'host-must-log-in' && Date.now() - waitingSince < c.env.timeouts.waitingMs)
        return askAgainLater();
      return c.fail({ kind: 'signaling-failed', detail: errorDetail(err), url: c.wsUrl });
    }
    if (!waiting() || c.xmpp !== x || c.login) return;
    c.set({ phase: 'joining' });
    enterRoom();
  }

  async function login(username: string, password: string): Promise<void> {
    if (!waiting() || c.state.login?.busy) return;
    clearTimeout(timer);
    c.set({ login: { busy: true } });
    c.login = { username: username.trim(), password };
    let x: Awaited<ReturnType<Signaling['connect']>>;
    try {
      // The guest connection stays until the login works: a wrong password leaves the guest waiting.
      x = await signaling.connect();
    } catch (err) {
      c.login = undefined;
      c.env.log('login.failed', { error: errorDetail(err) });
      c.set({ login: { busy: false, error: isBadCredentials(err) ? 'bad-credentials' : 'failed' } });
      askAgainLater();
      return;
    }
    const guest = c.xmpp;
    c.xmpp = x;
    void guest?.stop();
    try {
      await signaling.requestConference(x);
    } catch (err) {
      return c.fail({ kind: 'signaling-failed', detail: errorDetail(err), url: c.wsUrl });
    }
    if (c.xmpp !== x || !waiting()) return;
    c.set({ phase: 'joining', login: undefined });
    enterRoom();
  }

  function joinFailed(err: unknown): void {
    if (!handleRefusal(err)) c.fail({ kind: 'signaling-failed', detail: errorDetail(err), url: c.wsUrl });
  }

  return { joinFailed, login, enterRoom, stop: () => clearTimeout(timer) };
}
