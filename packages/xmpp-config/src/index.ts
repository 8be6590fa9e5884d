export * from './settings.js';
export * from './render.js';
export * from './accounts.js';
export * from './daemon.js';
export * from './launcher.js';
export * from './testing.js';
export * from './env-config.js';
export * from './access.js';
