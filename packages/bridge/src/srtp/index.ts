export { MAX_RECEIVE_SSRCS, SrtpContext, type SrtpContextOptions } from './context.js';
export {
  keyLengths,
  profileFromDtlsId,
  srtpKeysFromDtls,
  SrtpError,
  type SrtpErrorReason,
  type SrtpKeys,
  type SrtpProfile,
} from './types.js';
