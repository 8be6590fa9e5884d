// ICE restart (issue 12): a participant whose network dropped tells the focus its ICE failed
// (lib-jitsi-meet's session-info with <ice-state>failed</ice-state>). The focus asks the bridge for
// new ICE credentials of that endpoint (colibri2 ice-restart) and sends them in a transport-replace;
// the client answers with a transport-accept carrying its own new credentials, which go to the
// bridge. The participant stays in the room and in the conference: nobody sees it leave, and the
// DTLS session (hence SRTP keys) is kept. When the bridge or the client cannot restart, the focus
// re-invites instead (session-terminate + a new session-initiate), as before.
import { ProtocolError, type IceTransport, type Jingle } from '@parley/protocol';
import type { Logger } from '@parley/service';
import type { ColibriSession } from './bridge-client.js';
import type { Participant } from './participant.js';
import { sessionInitiate, transportOf } from './jingle-offer.js';
import { MEDIA_TYPES, type EndpointSources } from './sources.js';

/** A second ice-state failed this soon after a restart began is the same failure: not restarted again. */
export const RESTART_DEBOUNCE_MS = 2_000;
/** New sessions a client may ask for (session-terminate with restart) per SESSION_RESTART_WINDOW_MS. */
export const SESSION_RESTARTS_PER_WINDOW = 3;
export const SESSION_RESTART_WINDOW_MS = 60_000;

export interface IceRestartHost {
  readonly log: Logger;
  /** The conference's bridge session now (it changes when the conference moves). */
  colibri(): ColibriSession;
  /** The focus's occupant JID, the initiator of every session. */
  initiator(): string;
  /** Sends a Jingle request to p; rejects with the client's error. */
  request(p: Participant, j: Jingle): Promise<unknown>;
  /** Ends p's session and offers it a new one (the fallback). */
  reinvite(p: Participant, why: string): Promise<void>;
  /** Runs a task on the conference's queue (for work that starts outside it, e.g. a refused send). */
  run(label: string, task: () => Promise<void>): void;
  /** The sources p receives now (everyone else's active ones): a transport-replace is a whole offer. */
  received(p: Participant): EndpointSources;
  /** Whether p is still in the conference with this session. */
  current(p: Participant, sid: string): boolean;
}

interface Restart {
  sid: string;
  startedAt: number;
  /** The bridge's new ufrag, sent in the transport-replace; set once the bridge answered. */
  ufrag?: string;
}

export class IceRestarts {
  private readonly pending = new WeakMap<Participant, Restart>();
  /** When each participant asked for a new session (onRestartRequest), within the window. */
  private readonly sessionRestarts = new WeakMap<Participant, number[]>();
  /** Restarts done, refused by the bridge or the client, new sessions asked for (tests and logs). */
  readonly counts = { requested: 0, completed: 0, fellBack: 0, sessionRestarts: 0 };

  constructor(private readonly host: IceRestartHost) {}

  /** A session-info from p (in the queue). An <ice-state>failed</ice-state> starts a restart. */
  async onSessionInfo(p: Participant, j: Jingle): Promise<void> {
    if (p.sessionState !== 'active' || !p.sid)
      throw new ProtocolError(`session-info while the session is ${p.sessionState}`, 'unexpected-request');
    if (j.iceState === undefined) return; // an empty session-info is a ping (XEP-0166 7.2.12)
    const log = this.host.log.child({ endpoint: p.endpointId });
    if (j.iceState !== 'failed') return log.info('ice.state', { state: j.iceState });
    const previous = this.pending.get(p);
    if (previous && previous.sid === p.sid && Date.now() - previous.startedAt < RESTART_DEBOUNCE_MS)
      return log.info('ice_restart.debounced', { sinceMs: Date.now() - previous.startedAt });
    const sid = p.sid;
    const restart: Restart = { sid, startedAt: Date.now() };
    this.pending.set(p, restart);
    this.counts.requested++;
    log.info('ice_restart.requested', { bridgeSession: j.bridgeSession });
    let transport: IceTransport;
    try {
      transport = await this.host.colibri().restartIce(p.endpointId);
    } catch (err) {
      log.warn('ice_restart.bridge_refused', { error: err as Error });
      return this.fallBack(p, `the bridge refused an ICE restart: ${(err as Error).message}`);
    }
    if (!this.host.current(p, sid)) return;
    restart.ufrag = transport.ufrag;
    // Not awaited: the client answers this IQ and sends its transport-accept, which needs the queue.
    const replace = transportReplace({
      sid,
      initiator: this.host.initiator(),
      responder: p.realJid,
      transport,
      received: this.host.received(p),
    });
    this.host.request(p, replace).catch((err: Error) => {
      log.warn('ice_restart.client_refused', { error: err });
      this.host.run('ice restart refused', async () => {
        if (this.host.current(p, sid) && this.pending.get(p) === restart)
          await this.fallBack(p, `the client refused transport-replace: ${err.message}`);
      });
    });
  }

  /** p's transport-accept: its new ICE credentials go to the bridge. */
  async onTransportAccept(p: Participant, j: Jingle): Promise<void> {
    const restart = this.pending.get(p);
    if (!restart || restart.sid !== p.sid || restart.ufrag === undefined)
      throw new ProtocolError('transport-accept without a transport-replace to answer', 'unexpected-request');
    const transport = transportOf(j);
    if (!transport?.ufrag || !transport.pwd)
      throw new ProtocolError('transport-accept has no transport with ICE credentials', 'bad-request');
    this.pending.delete(p);
    await this.host.colibri().update(p.endpointId, { transport });
    this.counts.completed++;
    this.host.log.info('ice_restart.accepted', { endpoint: p.endpointId, ms: Date.now() - restart.startedAt });
  }

  /**
   * A session-terminate with lib-jitsi-meet's `<bridge-session restart="true"/>`: the client's session
   * cannot work (ICE up, DTLS never completed) and it asks for a new one, as jicofo re-invites. The
   * participant stays in the room; a client that keeps asking is refused (resource-constraint).
   */
  async onRestartRequest(p: Participant, j: Jingle): Promise<void> {
    const now = Date.now();
    const recent = (this.sessionRestarts.get(p) ?? []).filter((t) => now - t < SESSION_RESTART_WINDOW_MS);
    if (recent.length >= SESSION_RESTARTS_PER_WINDOW)
      throw new ProtocolError(
        `${recent.length} new sessions in the last ${SESSION_RESTART_WINDOW_MS / 1000} s: no more for now`,
        'resource-constraint',
      );
    this.sessionRestarts.set(p, [...recent, now]);
    this.pending.delete(p);
    this.counts.sessionRestarts++;
    await this.host.reinvite(
      p,
      `the client asked for a new session (${j.reason?.text ?? j.reason?.condition ?? 'no reason'})`,
    );
  }

  private async fallBack(p: Participant, why: string): Promise<void> {
    this.pending.delete(p);
    this.counts.fellBack++;
    await this.host.reinvite(p, why);
  }
}

/**
 * The transport-replace: a whole offer, as jicofo sends it (lib-jitsi-meet takes it as one, dropping and
 * re-adding the remote sources): codecs, the bridge's new transport on every BUNDLE content, and the
 * sources p receives now. Parley's client only takes the transport from it.
 */
export function transportReplace(opts: {
  sid: string;
  initiator: string;
  responder: string;
  transport: IceTransport;
  received: EndpointSources;
}): Jingle {
  const offer = sessionInitiate(opts);
  for (const c of offer.contents) {
    const d = c.description;
    const m = MEDIA_TYPES.find((x) => x === d?.media);
    if (!d || !m) continue;
    d.sources = [...opts.received[m].sources];
    d.sourceGroups = [...opts.received[m].groups];
  }
  return { ...offer, action: 'transport-replace' };
}
