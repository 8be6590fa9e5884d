export * from './conference.js';
export * from './bridge-stats.js';
export * from './recording.js';
