// Recording at the bridge (issue 17): a streaming WebM writer, RTP depacketizers, the per-conference
// recorder behind the colibri2 `<recording>` extension, and the composed MP4. See README.md.
export * from './webm-writer.js';
export * from './vp8-depacketizer.js';
export * from './opus-depacketizer.js';
export * from './participant-recorder.js';
export * from './conference-recorder.js';
export * from './recording-control.js';
export * from './compose.js';
export * from './media-check.js';
