export * from './protocol-error.js';
export * from './stanza-error.js';
