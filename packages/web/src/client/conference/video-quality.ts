// The "video quality" setting (Jitsi's low / standard / high / audio only): a cap on what this
// participant receives (the maxHeight it asks the bridge for) and sends (which simulcast layers the
// camera encodes). Pure except applySendQuality, which sets the layers on the camera's sender.

export type VideoQuality = 'low' | 'standard' | 'high' | 'audio-only';
export const VIDEO_QUALITIES: readonly VideoQuality[] = ['high', 'standard', 'low', 'audio-only'];
export const DEFAULT_VIDEO_QUALITY: VideoQuality = 'high';
export const VIDEO_QUALITY_KEY = 'parley.videoQuality';

/** The layers the camera sends, lowest first: about 180p, 360p and 720p of a 720p camera. */
export const SIMULCAST_LAYERS = 3;
/** Heights the bridge can pick from, one per layer. */
export const LAYER_HEIGHTS: readonly number[] = [180, 360, 720];

/** The largest height received under this setting; 0: no video at all. */
export function receiveCap(q: VideoQuality): number {
  return { low: 180, standard: 360, high: 720, 'audio-only': 0 }[q];
}

/** How many of the camera's layers stay on (from the lowest) under this setting. */
export function sendLayers(q: VideoQuality, layers: number): number {
  return Math.min(layers, { low: 1, standard: 2, high: layers, 'audio-only': 0 }[q]);
}

export function parseVideoQuality(text: string | null | undefined): VideoQuality {
  return VIDEO_QUALITIES.find((q) => q === text) ?? DEFAULT_VIDEO_QUALITY;
}

/**
 * Layers this browser sends with SSRC simulcast (SDP munging, simulcast.ts in @parley/protocol):
 * Chromium-based browsers honour an `a=ssrc-group:SIM` in the local answer. Firefox does not (it
 * sends layers only by RID, which the focus's offer would have to ask for): one layer there.
 */
export function simulcastLayersFor(userAgent: string): number {
  return /Chrome\/|Chromium\//.test(userAgent) && !/Firefox\//.test(userAgent) ? SIMULCAST_LAYERS : 1;
}

/** What applySendQuality uses of an RTCRtpSender (structural: Node's unit tests have no DOM types). */
export interface LayeredSender {
  getParameters(): SendParameters;
  setParameters(p: SendParameters): Promise<void>;
}
interface SendParameters {
  encodings?: { active?: boolean }[];
}

/**
 * Turns the camera sender's encodings on and off for the setting (`active: false` stops a layer's
 * encoder; the bridge then picks from the ones left). With one encoding (no simulcast) it is on
 * unless the setting is audio only.
 */
export async function applySendQuality(sender: LayeredSender, q: VideoQuality): Promise<void> {
  const params = sender.getParameters();
  const encodings = params.encodings ?? [];
  if (encodings.length === 0) return;
  const on = Math.max(q === 'audio-only' ? 0 : 1, sendLayers(q, encodings.length));
  let changed = false;
  encodings.forEach((e, i) => {
    const active = i < on;
    if (e.active !== active) {
      e.active = active;
      changed = true;
    }
  });
  if (changed) await sender.setParameters(params);
}
