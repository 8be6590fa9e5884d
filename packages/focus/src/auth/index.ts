export * from './token.js';
export * from './access-policy.js';
export * from './room-membership.js';
export * from './access-config.js';
export * from './admit.js';
