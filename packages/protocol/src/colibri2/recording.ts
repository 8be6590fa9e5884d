// Parley's colibri2 extension for recording at the bridge: the focus asks a conference's bridge to
// start, stop or report its recording with `<recording xmlns="parley:recording" action=...>` inside
// conference-modify, carrying the participants' display names for the manifest; the bridge answers
// with `<recording state=...>` inside conference-modified.
import { ProtocolError } from '../errors/protocol-error.js';
import { attr, child, children } from '../xml/attrs.js';
import { xml, type Element } from '../xml/element.js';

export const RECORDING_NS = 'parley:recording';

export type RecordingAction = 'start' | 'stop' | 'status';

export interface RecordingRequest {
  action: RecordingAction;
  /** Endpoint id -> display name, for the manifest (sent with start and each status). */
  names?: Record<string, string>;
}

export interface RecordingStatus {
  state: 'on' | 'off';
  /** The recording's folder on the bridge's machine. */
  dir?: string;
  /** Why it is off: "requested", "disk-full", "conference-ended", or the refusal. */
  reason?: string;
}

const ACTIONS: readonly RecordingAction[] = ['start', 'stop', 'status'];

export function recordingRequestToXml(r: RecordingRequest): Element {
  return xml(
    'recording',
    { xmlns: RECORDING_NS, action: r.action },
    Object.entries(r.names ?? {}).map(([id, name]) => xml('participant', { id, name })),
  );
}

export function parseRecordingRequest(parent: Element): RecordingRequest | undefined {
  const el = child(parent, 'recording', RECORDING_NS);
  if (!el) return undefined;
  const action = attr(el, 'action') as RecordingAction | undefined;
  if (!action || !ACTIONS.includes(action))
    throw new ProtocolError(`recording: action must be one of ${ACTIONS.join(', ')}, got ${JSON.stringify(action)}`);
  const names: Record<string, string> = {};
  for (const p of children(el, 'participant')) {
    const id = attr(p, 'id');
    const name = attr(p, 'name');
    if (id && name !== undefined) names[id] = name;
  }
  return { action, names };
}

export function recordingStatusToXml(s: RecordingStatus): Element {
  return xml('recording', { xmlns: RECORDING_NS, state: s.state, dir: s.dir, reason: s.reason });
}

export function parseRecordingStatus(parent: Element): RecordingStatus | undefined {
  const el = child(parent, 'recording', RECORDING_NS);
  if (!el) return undefined;
  const state = attr(el, 'state');
  if (state !== 'on' && state !== 'off') throw new ProtocolError(`recording: state must be on or off, got ${state}`);
  return { state, dir: attr(el, 'dir'), reason: attr(el, 'reason') };
}
