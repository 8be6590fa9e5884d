export * from './conference-iq.js';
export * from './moderation-iq.js';
export * from './room-access.js';
export * from './access.js';
export * from './recording-iq.js';
