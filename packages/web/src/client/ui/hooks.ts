// Small hooks shared by the components.
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { ConferenceState, ConferenceStore } from '../conference/types';

/** Re-renders on every store change; works whether the store replaces or mutates its state. */
export function useConferenceState(store: ConferenceStore): ConferenceState {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    bump(0);
    return store.subscribe(() => bump(0));
  }, [store]);
  return store.getState();
}

/** Attaches a MediaStream to a <video>/<audio> element's srcObject. */
export function useSrcObject<T extends HTMLMediaElement>(stream: MediaStream | null | undefined) {
  const ref = useRef<T>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.srcObject !== (stream ?? null)) el.srcObject = stream ?? null;
    if (stream)
      el.play().catch(() => {
        /* autoplay policy: plays after the next user gesture */
      });
  }, [stream]);
  return ref;
}

/** The content-box size of an element, kept current with a ResizeObserver. */
export function useElementSize<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size] as const;
}

/** True while the viewport is phone-sized (≤ 600px wide). */
export function useIsPhone(): boolean {
  const query = '(max-width: 600px)';
  const [phone, setPhone] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const mq = window.matchMedia(query);
    const onChange = () => setPhone(mq.matches);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  return phone;
}

/**
 * True while the stream's video track is muted: for a remote track the browser mutes it when its
 * media stops arriving, so the tile can show the avatar instead of the last frame.
 */
export function useTrackMuted(stream: MediaStream | null | undefined): boolean {
  const track = stream?.getVideoTracks()[0];
  const [muted, setMuted] = useState(() => track?.muted ?? false);
  useEffect(() => {
    if (!track) {
      setMuted(false);
      return;
    }
    const update = () => setMuted(track.muted);
    update();
    track.addEventListener('mute', update);
    track.addEventListener('unmute', update);
    return () => {
      track.removeEventListener('mute', update);
      track.removeEventListener('unmute', update);
    };
  }, [track]);
  return muted;
}
