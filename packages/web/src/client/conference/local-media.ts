// Camera, microphone, screen and the microphone level meter (getUserMedia, getDisplayMedia,
// enumerateDevices, an AudioContext AnalyserNode).

export interface MediaEnv {
  mediaDevices: MediaDevices;
  AudioContext?: typeof AudioContext;
}

export const VIDEO_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 } };

export function getCameraAndMic(
  env: MediaEnv,
  opts: { audioDeviceId?: string; videoDeviceId?: string } = {},
): Promise<MediaStream> {
  return env.mediaDevices.getUserMedia({
    audio: opts.audioDeviceId ? { deviceId: { exact: opts.audioDeviceId } } : true,
    video: opts.videoDeviceId ? { ...VIDEO_CONSTRAINTS, deviceId: { exact: opts.videoDeviceId } } : VIDEO_CONSTRAINTS,
  });
}

/** One new track of `kind` from the device `deviceId`. */
export async function getDeviceTrack(
  env: MediaEnv,
  kind: 'audioinput' | 'videoinput',
  deviceId: string,
): Promise<MediaStreamTrack> {
  const s = await env.mediaDevices.getUserMedia(
    kind === 'audioinput'
      ? { audio: { deviceId: { exact: deviceId } } }
      : { video: { ...VIDEO_CONSTRAINTS, deviceId: { exact: deviceId } } },
  );
  const t = kind === 'audioinput' ? s.getAudioTracks()[0] : s.getVideoTracks()[0];
  if (!t) throw new DOMException('the device gave no track', 'NotFoundError');
  return t;
}

export function getScreen(env: MediaEnv): Promise<MediaStream> {
  return env.mediaDevices.getDisplayMedia({ video: true, audio: false });
}

export async function listDevices(
  env: MediaEnv,
): Promise<{ audioInputs: MediaDeviceInfo[]; videoInputs: MediaDeviceInfo[]; audioOutputs: MediaDeviceInfo[] }> {
  const all = await env.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
  return {
    audioInputs: all.filter((d) => d.kind === 'audioinput'),
    videoInputs: all.filter((d) => d.kind === 'videoinput'),
    audioOutputs: all.filter((d) => d.kind === 'audiooutput'),
  };
}

/** RMS level 0..1 of a microphone track, reported ~10 times a second. */
export class MicMeter {
  private ctx: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(track: MediaStreamTrack, Ctx: typeof AudioContext | undefined, onLevel: (level: number) => void) {
    if (!Ctx) return;
    try {
      const ctx = new Ctx();
      this.ctx = ctx;
      const src = ctx.createMediaStreamSource(new MediaStream([track]));
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      src.connect(analyser);
      const buf = new Float32Array(analyser.fftSize);
      void ctx.resume().catch(() => {});
      this.timer = setInterval(() => {
        if (!track.enabled || track.readyState !== 'live') return onLevel(0);
        analyser.getFloatTimeDomainData(buf);
        let sum = 0;
        for (let i = 0; i < buf.length; i++) sum += buf[i]! * buf[i]!;
        // Speech RMS is ~0.01..0.3: scale so that normal speech fills the meter.
        onLevel(Math.min(1, Math.sqrt(sum / buf.length) * 4));
      }, 100);
    } catch {
      this.stop();
    }
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    void this.ctx?.close().catch(() => {});
    this.ctx = undefined;
  }
}
