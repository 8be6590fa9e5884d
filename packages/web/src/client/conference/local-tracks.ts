// Our camera and microphone inside a conference: getting them (with a fallback to one kind),
// using a stream (mute flags on the tracks, mic level meter, device list), muting, and switching
// devices mid-call (a new track on the same sender, no renegotiation) and the speaker choice.
// The stream and the device list are state (ConferenceState.localStream, devices) that only this
// module writes; the mic meter is its own.
import type { ConferenceContext } from './context.js';
import { deviceErrorKind, errorDetail } from './errors.js';
import { getCameraAndMic, getDeviceTrack, listDevices, MicMeter, type MediaEnv } from './local-media.js';
import type { ConferenceActions, ConferenceState, DeviceChoice } from './types.js';

export interface LocalTracks
  extends Pick<ConferenceActions, 'toggleAudio' | 'toggleVideo' | 'selectDevice' | 'selectAudioOutput'> {
  audioTrack(): MediaStreamTrack | null;
  videoTrack(): MediaStreamTrack | null;
  mediaEnv(): MediaEnv;
  /** False (after fail('insecure-context')) where getUserMedia cannot work. */
  secureOk(): boolean;
  /** Camera + microphone; when one kind is missing, takes the other alone (that kind stays muted). */
  acquire(): Promise<MediaStream>;
  useLocalStream(stream: MediaStream | null, devices?: DeviceChoice): Promise<void>;
  setAudioMuted(muted: boolean): void;
  /** A moderator stopped everyone's video: the camera stops sending (mute is presence, as for audio). */
  setVideoMuted(muted: boolean): void;
  /** Stops the meter, the camera and the microphone. */
  stop(): void;
}

/** What local tracks need from the others: the sender of the media session, and our presence. */
export interface LocalTracksLink {
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void>;
  /** Mute flags are in our presence. */
  sendPresence(): void;
}

export function createLocalTracks(c: ConferenceContext, link: LocalTracksLink): LocalTracks {
  const { env } = c;
  let meter: MicMeter | undefined;
  const mediaEnv = (): MediaEnv => ({
    mediaDevices: env.mediaDevices!,
    ...(env.AudioContext ? { AudioContext: env.AudioContext } : {}),
  });
  const audioTrack = () => c.state.localStream?.getAudioTracks()[0] ?? null;
  const videoTrack = () => c.state.localStream?.getVideoTracks()[0] ?? null;
  const inMeeting = () => c.state.phase === 'joining' || c.state.phase === 'in-meeting';

  async function acquire(): Promise<MediaStream> {
    const { devices } = c.state;
    const ids = {
      ...(devices.audioInputId ? { audioDeviceId: devices.audioInputId } : {}),
      ...(devices.videoInputId ? { videoDeviceId: devices.videoInputId } : {}),
    };
    try {
      return await getCameraAndMic(mediaEnv(), ids);
    } catch (err) {
      if (deviceErrorKind(err) !== 'no-devices') throw err;
      for (const constraints of [
        { audio: true },
        { video: { width: { ideal: 1280 }, height: { ideal: 720 } } },
      ] as MediaStreamConstraints[]) {
        try {
          return await env.mediaDevices!.getUserMedia(constraints);
        } catch {
          /* try the other kind */
        }
      }
      throw err;
    }
  }

  async function useLocalStream(stream: MediaStream | null, current: DeviceChoice = c.state.devices): Promise<void> {
    meter?.stop();
    meter = undefined;
    const a = stream?.getAudioTracks()[0];
    const v = stream?.getVideoTracks()[0];
    if (a) a.enabled = !c.state.audioMuted;
    if (v) v.enabled = !c.state.videoMuted;
    if (a)
      meter = new MicMeter(a, env.AudioContext, (level) => {
        if (Math.abs(level - c.state.micLevel) >= 0.01 || (level === 0 && c.state.micLevel !== 0))
          c.set({ micLevel: level });
      });
    const devices = { ...current, ...(await listDevices(mediaEnv())) };
    if (a) devices.audioInputId = a.getSettings().deviceId ?? devices.audioInputId;
    if (v) devices.videoInputId = v.getSettings().deviceId ?? devices.videoInputId;
    const patch: Partial<ConferenceState> = { localStream: stream, devices };
    if (!a) patch.audioMuted = true;
    if (!v) patch.videoMuted = true;
    c.refresh(patch);
  }

  function setAudioMuted(muted: boolean): void {
    const t = audioTrack();
    if (!t && !muted) return;
    if (t) t.enabled = !muted;
    if (c.state.audioMuted === muted) return;
    c.refresh({ audioMuted: muted });
    link.sendPresence();
  }

  function setVideoMuted(muted: boolean): void {
    const t = videoTrack();
    if (!t && !muted) return;
    if (t) t.enabled = !muted;
    if (c.state.videoMuted === muted) return;
    c.refresh({ videoMuted: muted });
    link.sendPresence();
  }

  function toggle(kind: 'audio' | 'video'): void {
    c.queue.post(`toggle ${kind}`, () => {
      const t = kind === 'audio' ? audioTrack() : videoTrack();
      const muted = kind === 'audio' ? !c.state.audioMuted : !c.state.videoMuted;
      if (!t && !muted && inMeeting()) return; // no microphone / camera: nothing to unmute
      if (t) t.enabled = !muted;
      c.refresh(kind === 'audio' ? { audioMuted: muted } : { videoMuted: muted });
      link.sendPresence();
    });
  }

  return {
    audioTrack,
    videoTrack,
    mediaEnv,
    acquire,
    useLocalStream,
    setAudioMuted,
    setVideoMuted,

    secureOk() {
      if (env.isSecureContext === false || !env.mediaDevices) {
        c.fail({
          kind: 'insecure-context',
          detail: `${env.location.protocol}//${env.location.host} is not a secure context`,
        });
        return false;
      }
      return true;
    },

    stop() {
      meter?.stop();
      meter = undefined;
      c.state.localStream?.getTracks().forEach((t) => t.stop());
    },

    toggleAudio: () => toggle('audio'),
    toggleVideo: () => toggle('video'),

    async selectDevice(kind, deviceId) {
      if (!env.mediaDevices) return;
      let track: MediaStreamTrack;
      try {
        track = await getDeviceTrack(mediaEnv(), kind, deviceId);
      } catch (err) {
        env.log('device.failed', { kind, deviceId, error: errorDetail(err) });
        return;
      }
      await c.queue.run('select device', async () => {
        if (c.terminal()) return void track.stop();
        const { state } = c;
        const old = kind === 'audioinput' ? audioTrack() : videoTrack();
        // Keep the mute state: the new track must not send a frame while its kind is muted.
        track.enabled = !(kind === 'audioinput' ? state.audioMuted : state.videoMuted);
        const stream = state.localStream
          ? new env.MediaStream(state.localStream.getTracks().filter((t) => t !== old))
          : new env.MediaStream();
        stream.addTrack(track);
        old?.stop();
        const devices = {
          ...state.devices,
          ...(kind === 'audioinput' ? { audioInputId: deviceId } : { videoInputId: deviceId }),
        };
        await link
          .replaceTrack(kind === 'audioinput' ? 'audio' : 'video', track)
          .catch((err: unknown) => env.log('device.replace_failed', { error: errorDetail(err) }));
        await useLocalStream(stream, devices);
      });
    },

    selectAudioOutput(deviceId) {
      const { audioOutputId: _old, ...rest } = c.state.devices;
      c.set({ devices: deviceId ? { ...rest, audioOutputId: deviceId } : rest });
    },
  };
}
