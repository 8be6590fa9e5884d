// What an Endpoint needs from its transport (implemented by transport/EndpointTransport; faked in
// unit tests). Packets cross this boundary still SRTP-encrypted: the endpoint does SRTP itself.
import type { IceTransport } from '@parley/protocol';
import type { SrtpProfile } from '../srtp/index.js';

export type MediaTransportState = 'new' | 'checking' | 'connected' | 'failed' | 'closed';

export interface SrtpKeying {
  profile: SrtpProfile;
  keyingMaterial: Buffer;
  isClient: boolean;
}

export interface MediaTransport {
  readonly local: IceTransport;
  readonly state: MediaTransportState;
  /** Set once DTLS is done. */
  readonly srtp?: SrtpKeying;
  start(remote: IceTransport): void;
  onStateChange(cb: (state: MediaTransportState) => void): void;
  onPacket(cb: (encrypted: Buffer) => void): void;
  send(encrypted: Buffer): void;
  onDataChannelOpen(cb: (label: string) => void): void;
  onDataChannelMessage(cb: (text: string) => void): void;
  sendDataChannel(text: string): void;
  close(): void;
}
