export * from './conference-iq.js';
export * from './access.js';
