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

  constructor(
    readonly endpointId: string,
    /** room@conference.domain/endpointId */
    readonly occupantJid: string,
    /** The client's full JID: Jingle sent straight to the component is only accepted from there. */
    readonly realJid: string,
    public statsId?: string,
  ) {}

  /** True once the participant can be told about others' sources. */
  get receivesSourceUpdates(): boolean {
    return this.sessionState === 'offered' || this.sessionState === 'active';
  }
}
