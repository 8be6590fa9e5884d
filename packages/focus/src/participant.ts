// One media participant of a conference: a MUC occupant whose nick is an endpoint id, its real
// JID (where Jingle goes), its sources, and its Jingle session with the focus.
import type { Jingle } from '@parley/protocol';
import { noSources, type EndpointSources } from './sources.js';

export type SessionState = 'allocating' | 'offered' | 'active' | 'ended';

export class Participant {
  sources: EndpointSources = noSources;
  sessionState: SessionState = 'allocating';
  sid?: string;
  bridgeId?: string;
  isModerator = false;
  /** source-add/remove for this participant that wait until it accepts the session. */
  readonly held: Jingle[] = [];
  readonly joinedAt = Date.now();
  /** From its presence: the display name and whether its microphone and camera are muted. */
  name?: string;
  audioMuted = false;
  videoMuted = false;

  constructor(
    readonly endpointId: string,
    /** room@conference.domain/endpointId */
    readonly occupantJid: string,
    /** The client's full JID: Jingle sent straight to the component is only accepted from there. */
    readonly realJid: string,
    public statsId?: string,
  ) {}

  /** Takes what its latest presence says about it (absent fields keep their value). */
  noteState(info: { nick?: string; audioMuted?: boolean; videoMuted?: boolean }): void {
    if (info.nick !== undefined) this.name = info.nick;
    if (info.audioMuted !== undefined) this.audioMuted = info.audioMuted;
    if (info.videoMuted !== undefined) this.videoMuted = info.videoMuted;
  }

  /** True once the participant can be told about others' sources. */
  get receivesSourceUpdates(): boolean {
    return this.sessionState === 'offered' || this.sessionState === 'active';
  }
}
