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
  /** The peer's ICE credentials and DTLS fingerprints; again after restartIce() with its new ones. */
  start(remote: IceTransport): void;
  /**
   * ICE restart (colibri2 ice-restart): fresh local ufrag/pwd, returned as the new local transport.
   * The DTLS session and SRTP keys stay, as a browser's ICE restart does not redo DTLS.
   */
  restartIce(): IceTransport;
  onStateChange(cb: (state: MediaTransportState) => void): void;
  onPacket(cb: (encrypted: Buffer) => void): void;
  send(encrypted: Buffer): void;
  /**
   * Optional: memory to build the next packet for send() in, at least `bytes` long. It may be the same
   * memory every time, so the packet is built, sent and not kept. Without it the sender allocates.
   */
  lendSendBuffer?(bytes: number): Buffer;
  onDataChannelOpen(cb: (label: string) => void): void;
  onDataChannelMessage(cb: (text: string) => void): void;
  sendDataChannel(text: string): void;
  close(): void;
}
