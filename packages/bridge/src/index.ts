// @parley/bridge: the SFU. See README.md.
export * from './bridge-service.js';
export * from './config.js';
export * from './model/bridge.js';
export * from './model/conference.js';
export * from './model/endpoint.js';
export * from './model/media-transport.js';
export * from './recording/index.js';
