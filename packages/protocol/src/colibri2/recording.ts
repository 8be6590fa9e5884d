// Parley's colibri2 extension for recording at the bridge: the focus asks a conference's bridge to
// start, stop or report its recording with `<recording xmlns="parley:recording" action=...>` inside
// conference-modify, carrying the participants' display names for the manifest; the bridge answers
// with `<recording state=...>` inside conference-modified. `mode="stream"` is the live stream (RTMP
// push to `url`), a second, independent session beside the file recording.
import { ProtocolError } from '../errors/protocol-error.js';
import { attr, child, children } from '../xml/attrs.js';
import { xml, type Element } from '../xml/element.js';

export const RECORDING_NS = 'parley:recording';

export type RecordingAction = 'start' | 'stop' | 'status';

export type RecordingMode = 'file' | 'stream';

export interface RecordingRequest {
  action: RecordingAction;
  /** "file" (default) or "stream" (live stream to `url`). */
  mode?: RecordingMode;
  /** The RTMP(S) address a stream start pushes to (it holds the stream key: never logged). */
  url?: string;
  /** Endpoint id -> display name, for the manifest (sent with start and each status). */
  names?: Record<string, string>;
}

export interface RecordingStatus {
  /** "pending": a live stream that failed and waits to retry (reason says why). */
  state: 'on' | 'off' | 'pending';
  mode?: RecordingMode;
  /** The recording's folder on the bridge's machine. */
  dir?: string;
  /** Why it is off: "requested", "disk-full", "conference-ended", or the refusal. */
  reason?: string;
  /** A stream's last error (ffmpeg's words, the address's key hidden), while pending or after giving up. */
  error?: string;
  /** A stream's failed tries in a row. */
  attempt?: number;
}

const ACTIONS: readonly RecordingAction[] = ['start', 'stop', 'status'];

export function recordingRequestToXml(r: RecordingRequest): Element {
  return xml(
    'recording',
    { xmlns: RECORDING_NS, action: r.action, mode: r.mode === 'stream' ? 'stream' : undefined, url: r.url },
    Object.entries(r.names ?? {}).map(([id, name]) => xml('participant', { id, name })),
  );
}

export function parseRecordingRequest(parent: Element): RecordingRequest | undefined {
  const el = child(parent, 'recording', RECORDING_NS);
  if (!el) return undefined;
  const action = attr(el, 'action') as RecordingAction | undefined;
  if (!action || !ACTIONS.includes(action))
    throw new ProtocolError(`recording: action must be one of ${ACTIONS.join(', ')}, got ${JSON.stringify(action)}`);
  const mode = attr(el, 'mode') ?? 'file';
  if (mode !== 'file' && mode !== 'stream')
    throw new ProtocolError(`recording: mode must be file or stream, got ${JSON.stringify(mode)}`);
  const url = attr(el, 'url');
  if (mode === 'stream' && action === 'start' && !url) throw new ProtocolError('recording: a stream start needs a url');
  const names: Record<string, string> = {};
  for (const p of children(el, 'participant')) {
    const id = attr(p, 'id');
    const name = attr(p, 'name');
    if (id && name !== undefined) names[id] = name;
  }
  return { action, mode, url, names };
}

export function recordingStatusToXml(s: RecordingStatus): Element {
  return xml('recording', {
    xmlns: RECORDING_NS,
    state: s.state,
    mode: s.mode === 'stream' ? 'stream' : undefined,
    dir: s.dir,
    reason: s.reason,
    error: s.error,
    attempt: s.attempt === undefined ? undefined : String(s.attempt),
  });
}

export function parseRecordingStatus(parent: Element): RecordingStatus | undefined {
  const el = child(parent, 'recording', RECORDING_NS);
  if (!el) return undefined;
  const state = attr(el, 'state');
  if (state !== 'on' && state !== 'off' && state !== 'pending')
    throw new ProtocolError(`recording: state must be on, off or pending, got ${state}`);
  const out: RecordingStatus = { state, dir: attr(el, 'dir'), reason: attr(el, 'reason') };
  // Stream-only fields appear only when sent, so a file recording's status reads as before.
  if (attr(el, 'mode') === 'stream') out.mode = 'stream';
  const error = attr(el, 'error');
  if (error !== undefined) out.error = error;
  const attempt = attr(el, 'attempt');
  if (attempt !== undefined) out.attempt = Number(attempt);
  return out;
}
