// The checks of `parley doctor`, one per file in checks/ (each takes the settings `parley start` was
// given and an I/O object, and answers ok / warn / fail with, for anything not ok, the exact fix);
// context.ts holds what they share.
export * from './context.js';
export * from './checks/prosody.js';
export * from './checks/components.js';
export * from './checks/websocket.js';
export * from './checks/bosh.js';
export * from './checks/certificate.js';
export * from './checks/advertise.js';
export * from './checks/media.js';
export * from './checks/ice-tcp.js';
export * from './checks/clock.js';
export * from './checks/ports.js';
export * from './checks/external.js';
