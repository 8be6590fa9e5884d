// @parley/web (server side): the HTTPS origin of a deployment and its local certificates.
export {
  startWebServer,
  defaultStaticDir,
  ROOM_PATTERN,
  type WebServerOptions,
  type RunningWebServer,
} from './web-server.js';
export { ensureCertificates, certificateNames, type Certificates, type CertificateRequest } from './certificates.js';
export { localAddresses } from './addresses.js';
export { buildParleyConfig, renderConfigJs, type ParleyConfigJson } from './config.js';
export { webConfigSpec, type WebConfig } from './config-spec.js';
