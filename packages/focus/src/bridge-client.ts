// How the focus talks to bridges. One ColibriSession per conference: the colibri2 client talks
// to real bridges found in the brewery MUC; the in-memory fake stands behind the same interface
// in tests (and in `start` until a bridge is configured).
import type { IceTransport, RecordingRequest, RecordingStatus } from '@parley/protocol';
import type { EndpointSources } from './sources.js';

export interface EndpointAllocation {
  bridgeId: string;
  /** The bridge's side of the endpoint's transport: ICE ufrag/pwd/candidates, DTLS fingerprint, SCTP port. */
  transport: IceTransport;
  /** Sources the bridge itself sends (none for a plain SFU; kept for relays and mixers). */
  feedbackSources?: EndpointSources;
}

export interface ColibriSession {
  readonly meetingId: string;
  allocate(endpointId: string, opts: { statsId?: string; sources: EndpointSources }): Promise<EndpointAllocation>;
  /** Forwards what the participant answered: its transport and/or its sources. */
  update(endpointId: string, change: { transport?: IceTransport; sources?: EndpointSources }): Promise<void>;
  /** New ICE credentials for the endpoint (colibri2 ice-restart); resolves with the bridge's new transport. */
  restartIce(endpointId: string): Promise<IceTransport>;
  expireEndpoint(endpointId: string): Promise<void>;
  /** Starts, stops or reports the conference's recording on its bridge (colibri2 `<recording>`, parley:recording). */
  recording(request: RecordingRequest): Promise<RecordingStatus>;
  /** Ends the conference on every bridge it used. */
  expire(): Promise<void>;
}

export interface BridgeClient {
  session(meetingId: string, roomJid: string): ColibriSession;
  /** Bridges known to be usable now; the focus refuses conferences when there are none. */
  available(): number;
  /** Tells the listener the id of a bridge that went away (its conferences lost their media). */
  onBridgeDown?(listener: (bridgeId: string) => void): void;
  /** Ends a meeting on every bridge known now, whoever created it (a focus process that died). */
  expireMeeting?(meetingId: string): Promise<void>;
  close(): Promise<void>;
}

export class NoBridgeError extends Error {
  constructor(detail = 'no healthy bridge is connected') {
    super(detail);
    this.name = 'NoBridgeError';
  }
}
