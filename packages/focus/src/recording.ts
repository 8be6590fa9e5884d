// A conference's recording, as the focus runs it (issue 17): a moderator asks with Jitsi's <jibri>
// IQ; the focus checks the requester is a moderator of the room (anyone else gets `forbidden`),
// asks the conference's bridge to record (colibri2 `<recording>`), and publishes the state in its
// own room presence (<jibri-recording-status>), which every occupant sees and every newcomer gets
// on joining. While it runs the focus asks the bridge for its state every few seconds, passing the
// participants' names for the manifest; a bridge that stopped by itself (disk full) is announced.
import {
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
  /** Sends the focus occupant's presence with these extra children. */
  publishFocusPresence(children: Element[]): void;
}

const POLL_MS = 3000;

export class ConferenceRecording {
  private state: RecordingStatusInfo = { status: 'off' };
  private poll?: NodeJS.Timeout;
  /** Set when the recording was ever started: an "off" is only published after an "on". */
  private everStarted = false;

  constructor(
    private readonly conference: RecordedConference,
    private readonly log: Logger,
    private readonly pollMs = POLL_MS,
  ) {}

  get status(): RecordingStatusInfo {
    return this.state;
  }

  /** The presence children the focus occupant carries (nothing until a recording was started). */
  presenceChildren(): Element[] {
    return this.everStarted ? [recordingStatusToPresenceXml(this.state)] : [];
  }

  /** A <jibri> request from `requester` (found by real JID or room nick); returns the new status. */
  handle(requester: Participant | undefined, action: 'start' | 'stop'): Promise<RecordingStatusInfo> {
    let result: RecordingStatusInfo = this.state;
    return this.conference
      .run(`recording ${action}`, async () => {
        if (!requester?.isModerator)
          throw new ProtocolError(`only a moderator may ${action} the recording`, 'forbidden');
        result = action === 'start' ? await this.start(requester.endpointId) : await this.stop(requester.endpointId);
      })
      .then(() => result);
  }

  /** The operator (HTTP API, authenticated there) starts or stops it, as a moderator would. */
  byOperator(action: 'start' | 'stop'): Promise<RecordingStatusInfo> {
    let result: RecordingStatusInfo = this.state;
    return this.conference
      .run(`recording ${action} by the operator`, async () => {
        result = action === 'start' ? await this.start('operator') : await this.stop('operator');
      })
      .then(() => result);
  }

  private names(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of this.conference.participants.values()) if (p.name) out[p.endpointId] = p.name;
    return out;
  }

  private async start(by: string): Promise<RecordingStatusInfo> {
    if (this.state.status === 'on') return this.state;
    const answer = await this.ask('start');
    if (answer.state !== 'on')
      throw new ProtocolError(`the bridge did not start recording: ${answer.reason}`, 'internal-server-error');
    this.log.info('recording.started', { by, dir: answer.dir });
    this.publish({ status: 'on', initiator: by });
    this.poll = setInterval(
      () => void this.conference.run('recording status', () => this.check()).catch(() => {}),
      this.pollMs,
    );
    this.poll.unref();
    return this.state;
  }

  private async stop(by: string): Promise<RecordingStatusInfo> {
    if (this.state.status === 'off') return this.state;
    this.clearPoll();
    await this.ask('stop');
    this.log.info('recording.stopped', { by });
    this.publish({ status: 'off', initiator: by });
    return this.state;
  }

  /** Asks the bridge for its state; a recording that stopped there (disk full) is announced. */
  private async check(): Promise<void> {
    if (this.state.status !== 'on') return;
    let answer: RecordingStatus;
    try {
      answer = await this.ask('status');
    } catch (err) {
      this.log.warn('recording.status_failed', { error: err as Error });
      return;
    }
    if (answer.state === 'on') return;
    this.clearPoll();
    this.log.warn('recording.stopped_by_bridge', { reason: answer.reason });
    this.publish({ status: 'off', initiator: 'bridge', failureReason: answer.reason ?? 'bridge-stopped' });
  }

  private ask(action: 'start' | 'stop' | 'status'): Promise<RecordingStatus> {
    return this.conference
      .colibri()
      .recording({ action, names: this.names() })
      .catch((err: Error & { condition?: StanzaErrorCondition }) => {
        if (err instanceof ProtocolError) throw err;
        // The bridge's own refusal (resource-constraint: too little disk) reaches the moderator as it was.
        throw new ProtocolError(`the bridge refused: ${err.message}`, err.condition ?? 'service-unavailable');
      });
  }

  private publish(s: RecordingStatusInfo): void {
    this.state = s;
    this.everStarted = true;
    this.conference.publishFocusPresence(this.presenceChildren());
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
