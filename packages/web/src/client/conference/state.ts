// The conference state as a pure function of events (issue 13, first step of "the web client's
// state"): the store applies every change through reduce(), so what a UI action does to the state
// can be tested without a browser. Facts that still live on the shared Conference bag (context.ts)
// are not moved here yet.
import type { ConferenceError, ConferenceState } from './types.js';

export type StateEvent =
  /** A part of the store (signaling, media session, local tracks) reports new facts. */
  | { type: 'patch'; patch: Partial<ConferenceState> }
  | { type: 'failed'; error: ConferenceError }
  | { type: 'chat-open'; open: boolean }
  | { type: 'participants-open'; open: boolean }
  | { type: 'view'; view: ConferenceState['view'] }
  | { type: 'pin'; tileKey: string | undefined };

/** A new store's state: on the prejoin screen, nothing joined yet. */
export function initialState(room: string, displayName: string): ConferenceState {
  return {
    phase: 'prejoin',
    room,
    displayName,
    participants: {},
    tiles: [],
    audioStreams: {},
    localStream: null,
    micLevel: 0,
    audioMuted: false,
    videoMuted: false,
    screenSharing: false,
    view: 'tile',
    chat: [],
    unreadChat: 0,
    chatOpen: false,
    participantsOpen: false,
    devices: { audioInputs: [], videoInputs: [], audioOutputs: [] },
    reconnecting: false,
  };
}

/** Left, or an error other than no-devices / permission-denied: nothing more happens. */
export function isTerminal(s: ConferenceState): boolean {
  return (
    s.phase === 'left' ||
    (s.phase === 'error' && !!s.error && !['no-devices', 'permission-denied'].includes(s.error.kind))
  );
}

export function reduce(s: ConferenceState, e: StateEvent): ConferenceState {
  switch (e.type) {
    case 'patch':
      return { ...s, ...e.patch };
    case 'failed':
      // The store ignores errors once terminal (fail() checks first and tears the join down).
      return { ...s, phase: 'error', error: e.error, reconnecting: false };
    case 'chat-open':
      return e.open ? { ...s, chatOpen: true, unreadChat: 0 } : { ...s, chatOpen: false };
    case 'participants-open':
      return { ...s, participantsOpen: e.open };
    case 'view':
      return { ...s, view: e.view };
    case 'pin':
      // Pinning a tile shows it on the stage; unpinning keeps the view the user had.
      return { ...s, pinned: e.tileKey, ...(e.tileKey ? { view: 'stage' as const } : {}) };
  }
}
