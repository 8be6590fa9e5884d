// A conference's recording, as the focus runs it (issue 17): a moderator asks with Jitsi's <jibri>
// IQ; the focus checks the requester is a moderator of the room (anyone else gets `forbidden`),
// asks the conference's bridge to record (colibri2 `<recording>`), and publishes the state in its
// own room presence (<jibri-recording-status>), which every occupant sees and every newcomer gets
// on joining. While it runs the focus asks the bridge for its state every few seconds, passing the
// participants' names for the manifest; a bridge that stopped by itself (disk full) is announced.
//
// The live stream is the same session in mode "stream" (Jibri's recording_mode="stream"): a second
// instance per conference, with the RTMP address checked here against the operator's allow-list
// (--stream-allowed-hosts), and a third state, "pending", while the bridge retries a failed push;
// each change of state or of the error is published so the moderator sees why.
import {
  type JibriMode,
  parseStreamUrl,
  ProtocolError,
  recordingStatusToPresenceXml,
  type Element,
  type RecordingStatus,
  type RecordingStatusInfo,
  type StanzaErrorCondition,
} from '@parley/protocol';
import type { Logger } from '@parley/service';
import type { ColibriSession } from './bridge-client.js';
import type { Participant } from './participant.js';

/** What recording needs of its conference (Conference implements it; tests can fake it). */
export interface RecordedConference {
  readonly participants: ReadonlyMap<string, Participant>;
  colibri(): ColibriSession;
  /** Runs `task` on the conference's queue; refuses once the conference has ended. */
  run(label: string, task: () => Promise<void>): Promise<void>;
  /** Sends the focus occupant's presence again (with every session's presenceChildren()). */
  publishFocusPresence(): void;
}

export interface RecordingSessionOptions {
  mode?: JibriMode;
  /** Hosts a live stream may go to (lower case); empty: any. */
  allowedStreamHosts?: readonly string[];
  pollMs?: number;
}

const POLL_MS = 3000;

export class ConferenceRecording {
  private state: RecordingStatusInfo;
  private poll?: NodeJS.Timeout;
  /** Set when the recording was ever started: an "off" is only published after an "on". */
  private everStarted = false;

  readonly mode: JibriMode;
  private readonly pollMs: number;
  private url?: string;

  constructor(
    private readonly conference: RecordedConference,
    private readonly log: Logger,
    private readonly opts: RecordingSessionOptions = {},
  ) {
    this.mode = opts.mode ?? 'file';
    this.pollMs = opts.pollMs ?? POLL_MS;
    this.state = { status: 'off', mode: this.mode };
  }

  private get what(): string {
    return this.mode === 'stream' ? 'live stream' : 'recording';
  }

  get status(): RecordingStatusInfo {
    return this.state;
  }

  /** The presence children the focus occupant carries (nothing until a recording was started). */
  presenceChildren(): Element[] {
    return this.everStarted ? [recordingStatusToPresenceXml(this.state)] : [];
  }

  /**
   * A <jibri> request from `requester` (found by real JID or room nick); returns the new status.
   * A stream start carries its RTMP address.
   */
  handle(requester: Participant | undefined, action: 'start' | 'stop', url?: string): Promise<RecordingStatusInfo> {
    let result: RecordingStatusInfo = this.state;
    return this.conference
      .run(`${this.what} ${action}`, async () => {
        if (!requester?.isModerator)
          throw new ProtocolError(`only a moderator may ${action} the ${this.what}`, 'forbidden');
        result =
          action === 'start' ? await this.start(requester.endpointId, url) : await this.stop(requester.endpointId);
      })
      .then(() => result);
  }

  /** The operator (HTTP API, authenticated there) starts or stops it, as a moderator would. */
  byOperator(action: 'start' | 'stop', url?: string): Promise<RecordingStatusInfo> {
    let result: RecordingStatusInfo = this.state;
    return this.conference
      .run(`${this.what} ${action} by the operator`, async () => {
        result = action === 'start' ? await this.start('operator', url) : await this.stop('operator');
      })
      .then(() => result);
  }

  /** A stream's address, checked for shape and against the allow-list; the error names the setting. */
  private checkUrl(url: string | undefined): string {
    if (!url) throw new ProtocolError('a live stream needs its rtmp:// or rtmps:// address');
    const { host } = parseStreamUrl(url);
    const allowed = this.opts.allowedStreamHosts ?? [];
    if (allowed.length && !allowed.includes(host))
      throw new ProtocolError(
        `live streams to ${host} are not allowed here (--stream-allowed-hosts: ${allowed.join(', ')})`,
        'not-allowed',
      );
    return url;
  }

  private names(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of this.conference.participants.values()) if (p.name) out[p.endpointId] = p.name;
    return out;
  }

  private async start(by: string, url?: string): Promise<RecordingStatusInfo> {
    if (this.state.status !== 'off') return this.state;
    if (this.mode === 'stream') this.url = this.checkUrl(url);
    const answer = await this.ask('start');
    if (answer.state === 'off')
      throw new ProtocolError(`the bridge did not start the ${this.what}: ${answer.reason}`, 'internal-server-error');
    this.log.info(`${this.mode === 'stream' ? 'stream' : 'recording'}.started`, { by, dir: answer.dir });
    this.publish({ status: answer.state, mode: this.mode, initiator: by, error: answer.error });
    this.poll = setInterval(
      () => void this.conference.run(`${this.what} status`, () => this.check()).catch(() => {}),
      this.pollMs,
    );
    this.poll.unref();
    return this.state;
  }

  private async stop(by: string): Promise<RecordingStatusInfo> {
    if (this.state.status === 'off') return this.state;
    this.clearPoll();
    await this.ask('stop');
    this.log.info(`${this.mode === 'stream' ? 'stream' : 'recording'}.stopped`, { by });
    this.publish({ status: 'off', mode: this.mode, initiator: by });
    return this.state;
  }

  /**
   * Asks the bridge for its state; a recording that stopped there (disk full), a stream that failed
   * and is retried (pending, with the error), came back, or was given up, is announced.
   */
  private async check(): Promise<void> {
    if (this.state.status === 'off') return;
    let answer: RecordingStatus;
    try {
      answer = await this.ask('status');
    } catch (err) {
      this.log.warn('recording.status_failed', { error: err as Error });
      return;
    }
    if (answer.state !== 'off') {
      if (answer.state === this.state.status && answer.error === this.state.error) return;
      this.publish({ ...this.state, status: answer.state, error: answer.error });
      return;
    }
    this.clearPoll();
    this.log.warn(`${this.mode === 'stream' ? 'stream' : 'recording'}.stopped_by_bridge`, { reason: answer.reason });
    this.publish({
      status: 'off',
      mode: this.mode,
      initiator: 'bridge',
      failureReason: answer.reason ?? 'bridge-stopped',
      error: answer.error,
    });
  }

  private ask(action: 'start' | 'stop' | 'status'): Promise<RecordingStatus> {
    return this.conference
      .colibri()
      .recording({ action, mode: this.mode, url: action === 'start' ? this.url : undefined, names: this.names() })
      .catch((err: Error & { condition?: StanzaErrorCondition }) => {
        if (err instanceof ProtocolError) throw err;
        // The bridge's own refusal (resource-constraint: too little disk) reaches the moderator as it was.
        throw new ProtocolError(`the bridge refused: ${err.message}`, err.condition ?? 'service-unavailable');
      });
  }

  private publish(s: RecordingStatusInfo): void {
    this.state = s;
    this.everStarted = true;
    this.conference.publishFocusPresence();
  }

  private clearPoll(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }

  /** The conference ended (its bridge conference, and with it the recording, ends too). */
  close(): void {
    this.clearPoll();
  }
}
