export * from './conference-iq.js';
