// Bandwidth estimation toward each receiver (send-side, transport-cc, GCC family). See README.md.
export * from './bandwidth-estimator.js';
export * from './prober.js';
export * from './probe-packets.js';
export * from './receiver-bwe.js';
export * from './send-history.js';
