// Test helper run as a child process: records one red participant in real time into argv[2] until
// it is killed (recorder.test.ts kills it with SIGKILL mid-recording).
import { silentLogger } from '@parley/service';
import { ConferenceRecorder } from './conference-recorder.js';
import { opusFrames, opusPackets, vp8Frames, vp8Packets } from './test-media.js';

const [dir, media] = process.argv.slice(2);
const video = vp8Packets(vp8Frames(media, 'red', 20, 30, 30), { ssrc: 1, pt: 100, seq: 1, clockRate: 90_000 });
const audio = opusPackets(opusFrames(media, 20), { ssrc: 2, pt: 111, seq: 1, clockRate: 48_000 });
const recorder = new ConferenceRecorder({ dir, meetingId: 'm1', room: 'kill', minFreeBytes: 0, log: silentLogger });
const has = { audio: true, video: true };
const start = performance.now();
let v = 0;
let a = 0;
setInterval(() => {
  const ms = performance.now() - start;
  for (; v < video.length && video[v].readUInt32BE(4) / 90 <= ms; v++)
    recorder.onPacket('aaaa0001', 'video', video[v], has);
  for (; a < audio.length && audio[a].readUInt32BE(4) / 48 <= ms; a++)
    recorder.onPacket('aaaa0001', 'audio', audio[a], has);
}, 10);
process.stdout.write('recording\n');
