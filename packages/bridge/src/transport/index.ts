// packages/bridge/src/transport: ICE-lite + DTLS + SCTP for the bridge, over one shared UDP/TCP port.
export {
  DEFAULT_TCP_AUTH_TIMEOUT_MS,
  DEFAULT_UDP_RECEIVE_BUFFER,
  DEFAULT_UDP_SEND_BUFFER,
  MediaPort,
  type MediaPortOptions,
} from './media-port.js';
export { dropsAtPort, udpSocketDrops } from './socket-drops.js';
export { DEFAULT_TCP_ADMISSION, TcpAdmission, type TcpAdmissionLimits } from './tcp-admission.js';
export {
  EndpointTransport,
  type LocalIceTransport,
  type PeerPath,
  type TransportState,
  type TransportStats,
} from './endpoint-transport.js';
export type { SrtpKeying, SrtpProfileName } from './werift-session.js';
export { TcpFramer } from './tcp-framing.js';
