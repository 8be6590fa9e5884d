// @parley/protocol: pure, browser-safe codecs shared by every Parley package. No I/O.
export * from './xml/element.js';
export * from './errors/index.js';
export * from './jingle/index.js';
export * from './sdp/index.js';
export * from './colibri2/index.js';
export * from './presence/index.js';
export * from './bridge-channel/index.js';
export * from './focus-iq/index.js';
export * from './web-config.js';
export * from './serial-queue.js';
