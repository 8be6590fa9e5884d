// The conference state as a pure function of events: the store applies every change through
// reduce(), so what a UI action does to the state can be tested without a browser. The join's
// other facts (connection, room model, peer connection, tracks) live in their owner modules; the
// store turns them into participants and tiles with a `patch` (store.ts refresh()).
import { DEFAULT_VIDEO_QUALITY } from './video-quality.js';
import { addChat, type IncomingChat } from './room.js';
import type { ConferenceError, ConferenceState } from './types.js';

export type StateEvent =
  /** A part of the store (signaling, media session, local tracks) reports new facts. */
  | { type: 'patch'; patch: Partial<ConferenceState> }
  | { type: 'failed'; error: ConferenceError }
  /** The prejoin preview got the camera and microphone: an earlier device error is over. */
  | { type: 'preview-ready' }
  /** The user pressed join: the name and mute choices of the prejoin screen. */
  | { type: 'joining'; displayName: string; audioMuted: boolean; videoMuted: boolean }
  /** The user left: the meeting's media is gone from the state. */
  | { type: 'left' }
  /** A chat message from the room, or our own private one (the room does not reflect those). */
  | { type: 'chat'; incoming: IncomingChat }
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
    videoQuality: DEFAULT_VIDEO_QUALITY,
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
    case 'preview-ready':
      return s.phase === 'error' ? { ...s, phase: 'prejoin', error: undefined } : s;
    case 'joining':
      return {
        ...s,
        phase: 'joining',
        error: undefined,
        displayName: e.displayName,
        audioMuted: e.audioMuted,
        videoMuted: e.videoMuted,
      };
    case 'left':
      return {
        ...s,
        phase: 'left',
        reconnecting: false,
        localStream: null,
        screenSharing: false,
        tiles: [],
        audioStreams: {},
        micLevel: 0,
      };
    case 'chat':
      return addChat(s, e.incoming, s.chatOpen);
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
