export * from './start.js';
export * from './start-config.js';
export * from './secrets.js';
export * from './deploy-config.js';
