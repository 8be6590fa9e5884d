export * from './jid.js';
export * from './muc.js';
export * from './participant.js';
