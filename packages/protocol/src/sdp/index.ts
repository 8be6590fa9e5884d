export * from './parse.js';
export * from './write.js';
export * from './candidate.js';
export {
  payloadTypesFromSection,
  headerExtensionsFromSection,
  fingerprintFromSdp,
  transportFromSection,
  sctpPortFromSection,
  ssrcAttributesFromSection,
  ssrcGroupsFromSection,
  type SdpRole,
  type TransportFromSdpOptions,
} from './rtp.js';
export * from './remote-description.js';
export {
  answerToJingle,
  offerSdpToJingle,
  sdpToJingleContents,
  type AnswerToJingleOptions,
  type OfferSdpToJingleOptions,
  type SdpToJingleOptions,
} from './answer.js';
export { addSimulcastLayers, type SimulcastMungeOptions, type SimulcastSsrcs } from './simulcast.js';
