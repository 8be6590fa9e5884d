export * from './model.js';
export * from './codec.js';
export * from './codecs.js';
export {
  rtpDescriptionToXml,
  parseRtpDescription,
  payloadTypeToXml,
  parsePayloadType,
  rtpSourceToXml,
  parseRtpSource,
  ssrcGroupToXml,
  parseSsrcGroup,
  ownerFromJid,
  headerExtensionToXml,
  parseHeaderExtension,
} from './description.js';
export {
  iceCandidateToXml,
  parseIceCandidate,
  iceTransportToXml,
  parseIceTransport,
  parseIceWebSocketUrl,
  parseFingerprint,
  type IceTransportParseOptions,
} from './transport.js';
