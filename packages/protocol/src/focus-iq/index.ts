export * from './conference-iq.js';
export * from './room-access.js';
