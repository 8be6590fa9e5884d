// Pure RTP/RTCP helpers for the bridge: no sockets, no werift. See README.md.
export * from './rtp-packet.js';
export * from './rtcp.js';
export * from './seq.js';
export * from './packet-cache.js';
export * from './rtx.js';
export * from './loss-detector.js';
export * from './keyframe.js';
export * from './pli-limiter.js';
export * from './twcc-feedback.js';
export * from './bitrate-meter.js';
export * from './vp8-descriptor.js';
export * from './twcc-parse.js';
