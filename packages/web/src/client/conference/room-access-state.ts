// What the UI shows about the room's password and lobby (DOM-free, part of ConferenceState).

export interface Knocker {
  /** The focus's id for this knock. */
  id: string;
  nick: string;
}

export interface RoomAccessState {
  /** Moderators: a password is set (as the focus last told us). */
  passwordSet: boolean;
  /** Moderators: the lobby is on. */
  lobbyEnabled: boolean;
  /** Moderators: who waits in the lobby, in knock order. */
  knockers: Knocker[];
  /** Joining: the room asks for a password ('required') or refused the one we gave ('wrong'). */
  passwordPrompt?: 'required' | 'wrong';
  /** Moderators: the focus refused the last change (its words). */
  actionError?: string;
}

export const NO_ROOM_ACCESS: RoomAccessState = { passwordSet: false, lobbyEnabled: false, knockers: [] };
