// @parley/service: the Node-side kit every Parley service shares: structured logs, typed config,
// Prometheus metrics, /health and /metrics over HTTP.
export * from './logger.js';
export * from './config.js';
export * from './metrics.js';
export * from './service-http.js';
export * from './service-main.js';
export * from './process-guards.js';
export * from './addresses.js';
export * from './stop-list.js';
