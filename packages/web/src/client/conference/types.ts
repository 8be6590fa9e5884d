// The contract between the conference store (XMPP, Jingle, RTCPeerConnection, bridge channel)
// and the Preact components. Components read ConferenceState and call ConferenceActions; they
// never touch XMPP or WebRTC objects themselves.
import type { VideoQuality } from './video-quality.js';
import type { VisibleLayout } from './receiver-constraints.js';

export type { VideoQuality, VisibleLayout };

/** window.PARLEY_CONFIG, written by the web server as /config.js (the shape is shared with the server). */
export type { ParleyConfig } from '@parley/protocol';

export type Phase =
  | 'prejoin' // name, camera preview, mic level, device choice, join muted
  | 'joining' // connecting to XMPP, asking the focus, waiting for the session
  | 'lobby' // the room's lobby is on: we knocked and wait for a moderator (room-access.ts)
  | 'waiting-for-host' // access mode "login": the meeting has not started; the host may log in here
  | 'in-meeting'
  | 'left' // the user pressed leave
  | 'error'; // see ConferenceState.error

export type ErrorKind =
  | 'insecure-context' // no window.isSecureContext: getUserMedia is unavailable over plain HTTP
  | 'no-devices' // no camera or microphone: offer to join without
  | 'permission-denied' // the user or policy refused camera/microphone
  | 'signaling-failed' // WebSocket/BOSH or the focus could not be reached: `url` says which
  | 'media-failed' // ICE/DTLS to the bridge failed: point to the doctor page
  | 'meeting-ended' // the focus ended the session
  | 'removed' // a moderator removed this participant
  | 'lobby-denied' // a moderator declined our request to join
  | 'access-denied'; // the focus refused the invite token: `reason` says why

export interface ConferenceError {
  kind: ErrorKind;
  /** Technical detail for the "details" disclosure (error message, failing URL, ICE state). */
  detail?: string;
  /** The URL that failed, for signaling-failed. */
  url?: string;
  /** meeting-ended: a moderator ended it for everyone. */
  endedBy?: 'moderator';
  /** access-denied: the refusal tag (token-expired, token-wrong-room, ...; see @parley/protocol). */
  reason?: string;
}

// Defined in a module without DOM types so the pure room reducer can use it too.
import type { Participant } from './participant';
export type { Participant };
import type { RoomAccessState } from './room-access-state';
export type { RoomAccessState };

/** One video tile: a camera or a screen share of one participant. */
export interface Tile {
  /** Source name, e.g. "a1b2c3d4-v0" (camera) or "a1b2c3d4-v1" (screen). Stable React key. */
  key: string;
  participantId: string;
  videoType: 'camera' | 'desktop';
  /** The stream to attach to a <video>; null while no media arrived yet (show the avatar). */
  stream: MediaStream | null;
  isLocal: boolean;
}

export interface ChatMessage {
  id: string;
  /** Endpoint id of the sender (or the MUC nick of another XMPP app's user). */
  from: string;
  displayName: string;
  text: string;
  /** ms timestamp */
  at: number;
  mine: boolean;
  /** Private message: to (when mine) or from (when not) one participant. */
  privateWith?: string;
  /** A notice of the meeting itself (recording started/stopped), not a person's message. */
  notice?: boolean;
}

export interface DeviceChoice {
  audioInputs: MediaDeviceInfo[];
  videoInputs: MediaDeviceInfo[];
  audioOutputs: MediaDeviceInfo[];
  audioInputId?: string;
  videoInputId?: string;
  /** Speaker for the remote audio (HTMLMediaElement.setSinkId); undefined: the system default. */
  audioOutputId?: string;
}

export interface ConferenceState {
  phase: Phase;
  /** Room name from the URL path (the invite link is `${location.origin}/${room}`). */
  room: string;
  displayName: string;
  localId?: string;
  /** Everyone in the room, the local participant included, by endpoint id. */
  participants: Record<string, Participant>;
  /** Video tiles, local camera first, then remote cameras and screens in join order. */
  tiles: Tile[];
  /** Remote audio streams to play (one hidden <audio> each), by source name. */
  audioStreams: Record<string, MediaStream>;
  /** Local camera/microphone stream (prejoin preview and self view). */
  localStream: MediaStream | null;
  /** 0..1 microphone level of the local stream (prejoin meter, own speaking indicator). */
  micLevel: number;
  audioMuted: boolean;
  videoMuted: boolean;
  screenSharing: boolean;
  dominantSpeaker?: string;
  view: 'tile' | 'stage';
  /** Pinned tile key for the stage view. */
  pinned?: string;
  /** The video quality setting: caps what we receive and send (video-quality.ts). */
  videoQuality: VideoQuality;
  /** Video source names the bridge forwards to us now (its ForwardedSources); absent until it says. */
  forwardedSources?: string[];
  chat: ChatMessage[];
  unreadChat: number;
  chatOpen: boolean;
  participantsOpen: boolean;
  devices: DeviceChoice;
  /** True while the XMPP connection is being restored after a drop (the meeting stays on screen). */
  reconnecting: boolean;
  error?: ConferenceError;
  /** Password prompt, lobby settings and knocks (room-access.ts); absent until the room says anything. */
  roomAccess?: RoomAccessState;
  /** The room's recording as the focus announces it (recording.ts); absent until it was ever started. */
  recording?: { on: boolean; by?: string; reason?: string };
  /**
   * The live stream as the focus announces it: "pending" while the bridge retries a failed push
   * (`error` says why, the stream key hidden); absent until one was ever started.
   */
  streaming?: { status: 'on' | 'off' | 'pending'; by?: string; reason?: string; error?: string };
  /** The host's login on the waiting-for-host screen: in progress, or why it failed. */
  login?: { busy: boolean; error?: 'bad-credentials' | 'failed' };
}

export interface JoinOptions {
  displayName: string;
  startAudioMuted: boolean;
  startVideoMuted: boolean;
  /** Join without camera and microphone (after a no-devices error). */
  withoutDevices?: boolean;
}

export interface ConferenceActions {
  /** Prejoin: ask for camera/microphone (preview and level meter) and list the devices. */
  startPreview(): Promise<void>;
  join(opts: JoinOptions): Promise<void>;
  leave(): Promise<void>;
  toggleAudio(): void;
  toggleVideo(): void;
  toggleScreenShare(): Promise<void>;
  selectDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void>;
  /** Speaker for the remote audio; the <audio> elements apply it with setSinkId where supported. */
  selectAudioOutput(deviceId: string): void;
  sendChat(text: string, privateTo?: string): void;
  setChatOpen(open: boolean): void;
  setParticipantsOpen(open: boolean): void;
  toggleRaiseHand(): void;
  setView(view: 'tile' | 'stage'): void;
  pin(tileKey: string | undefined): void;
  /** The tiles the UI renders now and their sizes: the receiver constraints follow (debounced). */
  reportLayout(layout: VisibleLayout): void;
  /** Caps what we receive and send; kept in local storage. */
  setVideoQuality(q: VideoQuality): void;
  /** Moderator only: ask this participant to mute its microphone. */
  muteParticipant(id: string): void;
  /** Moderator only: remove this participant from the room. */
  kickParticipant(id: string): void;
  /** Moderator only: make this participant a moderator too (the focus decides). */
  grantModerator(id: string): void;
  /** Moderator only: ask everyone else to mute their microphone ('audio') or stop their camera ('video'). */
  muteEveryone(media: 'audio' | 'video'): void;
  /** Moderator only: end the meeting for everyone (the focus removes everybody and closes the room). */
  endMeetingForEveryone(): void;
  /** Moderator only: start or stop recording at the bridge (the focus checks the role). */
  setRecording(on: boolean): void;
  /** Moderator only: start a live stream to an rtmp:// or rtmps:// address, or stop it (`url` unset). */
  setStreaming(on: boolean, url?: string): void;
  copyInviteLink(): Promise<void>;
  /** Prejoin: the password to join with, once the room asked for one (the next join() sends it). */
  setJoinPassword(password: string): void;
  /** Moderator only: set the room password ('' removes it), through the focus. */
  setRoomPassword(password: string): void;
  /** Moderator only: turn the lobby on or off, through the focus. */
  setLobbyEnabled(enabled: boolean): void;
  /** Moderator only: let a knocker in, or turn it away. */
  answerKnock(knockerId: string, admit: boolean): void;
  /** Waiting for the host (access mode "login"): log in with an account and start the meeting. */
  login(username: string, password: string): Promise<void>;
}

export interface ConferenceStore {
  getState(): ConferenceState;
  /** Calls the listener after every change; returns the unsubscribe function. */
  subscribe(listener: (s: ConferenceState) => void): () => void;
  actions: ConferenceActions;
}
