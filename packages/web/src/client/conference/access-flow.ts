// Access (issue 11), the store's side. A refusal from the focus becomes a screen: "host-must-log-in"
// (access mode "login") shows waiting-for-host, where the store asks the focus again every few
// seconds and the host can log in; a token refusal is the access-denied error screen.
import { isBadCredentials, refusalOf } from './access.js';
import type { ConferenceContext } from './context.js';
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

/** The part of Signaling the access flow uses. */
export type AccessSignaling = Pick<Signaling, 'connection' | 'loggedIn' | 'connect' | 'requestConference' | 'joinRoom'>;

export function createAccessFlow(c: ConferenceContext, signaling: AccessSignaling): AccessFlow {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitingSince = 0;
  /** The host's login is being tried: the guest stops asking the focus meanwhile. */
  let loggingIn = false;
  const hostLogin = () => loggingIn || signaling.loggedIn;
  const waiting = () => c.state.phase === 'waiting-for-host';
  const enterRoom = () => {
    signaling.joinRoom(20);
    c.refresh();
  };

  function handleRefusal(err: unknown): boolean {
    const reason = refusalOf(err);
    if (!reason) return false;
    if (reason === 'host-must-log-in' && !hostLogin()) {
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
    const x = signaling.connection;
    if (!waiting() || !x || hostLogin()) return;
    try {
      await signaling.requestConference(x);
    } catch (err) {
      if (!waiting() || signaling.connection !== x || hostLogin()) return;
      if (refusalOf(err) === 'host-must-log-in' && Date.now() - waitingSince < c.env.timeouts.waitingMs)
        return askAgainLater();
      return c.fail({ kind: 'signaling-failed', detail: errorDetail(err), url: c.wsUrl });
    }
    if (!waiting() || signaling.connection !== x || hostLogin()) return;
    c.set({ phase: 'joining' });
    enterRoom();
  }

  async function login(username: string, password: string): Promise<void> {
    if (!waiting() || c.state.login?.busy) return;
    clearTimeout(timer);
    c.set({ login: { busy: true } });
    let x: Awaited<ReturnType<Signaling['connect']>>;
    loggingIn = true;
    try {
      // The guest connection stays until the login works: a wrong password leaves the guest waiting.
      x = await signaling.connect({ username: username.trim(), password });
    } catch (err) {
      c.env.log('login.failed', { error: errorDetail(err) });
      c.set({ login: { busy: false, error: isBadCredentials(err) ? 'bad-credentials' : 'failed' } });
      askAgainLater();
      return;
    } finally {
      loggingIn = false;
    }
    try {
      await signaling.requestConference(x);
    } catch (err) {
      return c.fail({ kind: 'signaling-failed', detail: errorDetail(err), url: c.wsUrl });
    }
    if (signaling.connection !== x || !waiting()) return;
    c.set({ phase: 'joining', login: undefined });
    enterRoom();
  }

  function joinFailed(err: unknown): void {
    if (!handleRefusal(err)) c.fail({ kind: 'signaling-failed', detail: errorDetail(err), url: c.wsUrl });
  }

  return { joinFailed, login, enterRoom, stop: () => clearTimeout(timer) };
}
