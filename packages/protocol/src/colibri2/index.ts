export * from './conference.js';
export * from './bridge-stats.js';
