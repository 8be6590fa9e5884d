// A fake ConferenceStore for UI development and screenshots (URL ?demo=1 only; main.tsx decides).
// Canned participants show coloured canvas streams. Query parameters pick the starting point:
//   phase=prejoin|joining|meeting|left   error=<ErrorKind>   n=<remote count>   view=stage
//   chat=1   participants=1   reconnecting=1   share=1   moderator=0
import type {
  ChatMessage,
  ConferenceActions,
  ConferenceState,
  ConferenceStore,
  ErrorKind,
  Participant,
  Tile,
} from '../conference/types';

const NAMES = [
  'Alice Martin',
  '王小明',
  'Bob Stone',
  'Chen Jing',
  'Diego Ruiz',
  'Eva Novak',
  'Farah Khan',
  'Gus',
  'Hana Sato',
  'Ivan Petrov',
  'Julia',
  'Kofi Mensah',
];
const COLOURS = [
  '#1d6f5f',
  '#7a3b8f',
  '#8f5b1d',
  '#1d4e8f',
  '#8f1d3b',
  '#4e8f1d',
  '#5b5b8f',
  '#8f7a1d',
  '#1d8f8a',
  '#6f1d1d',
  '#3b6f8f',
  '#8f3b6f',
];

function canvasStream(label: string, colour: string, width = 640, height = 360): MediaStream | null {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx || typeof canvas.captureStream !== 'function') return null;
  let frame = 0;
  const draw = () => {
    frame++;
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = 'rgba(255,255,255,0.15)';
    const x = ((frame * 4) % (width + 120)) - 60;
    ctx.beginPath();
    ctx.arc(x, height / 2, 60, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = 'rgba(255,255,255,0.85)';
    ctx.font = `${Math.round(height / 9)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.fillText(label, width / 2, height / 2 + height / 30);
  };
  draw();
  window.setInterval(draw, 100);
  return canvas.captureStream(10);
}

function hexId(i: number): string {
  return (0x1a2b3c00 + i * 0x111).toString(16).slice(-8);
}

export function createFakeStore(room: string, params: URLSearchParams): ConferenceStore {
  const listeners = new Set<(s: ConferenceState) => void>();
  const remoteCount = Math.max(0, Math.min(NAMES.length, Number(params.get('n') ?? 4)));
  const localId = 'f00dcafe';
  const localStream = canvasStream('You', '#2c3e50');

  let state: ConferenceState = {
    phase: 'prejoin',
    room,
    displayName: localStorage.getItem('parley.displayName') ?? '',
    videoQuality: 'high',
    participants: {},
    tiles: [],
    audioStreams: {},
    localStream,
    micLevel: 0,
    audioMuted: false,
    videoMuted: false,
    screenSharing: false,
    view: params.get('view') === 'stage' ? 'stage' : 'tile',
    chat: [],
    unreadChat: 0,
    chatOpen: params.get('chat') === '1',
    participantsOpen: params.get('participants') === '1',
    devices: {
      audioInputs: [
        { deviceId: 'mic1', label: 'Built-in Microphone', kind: 'audioinput', groupId: 'g1' } as MediaDeviceInfo,
      ],
      videoInputs: [
        { deviceId: 'cam1', label: 'Integrated Camera', kind: 'videoinput', groupId: 'g2' } as MediaDeviceInfo,
      ],
      audioOutputs: [],
      audioInputId: 'mic1',
      videoInputId: 'cam1',
    },
    reconnecting: params.get('reconnecting') === '1',
  };

  const set = (patch: Partial<ConferenceState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l(state);
  };
  const remoteStreams = new Map<string, MediaStream | null>();

  const buildTiles = (participants: Record<string, Participant>): Tile[] => {
    const tiles: Tile[] = [];
    for (const p of Object.values(participants)) {
      if (!remoteStreams.has(`${p.id}-v0`))
        remoteStreams.set(
          `${p.id}-v0`,
          p.isLocal ? localStream : canvasStream(p.displayName, COLOURS[tiles.length % COLOURS.length]),
        );
      tiles.push({
        key: `${p.id}-v0`,
        participantId: p.id,
        videoType: 'camera',
        stream: remoteStreams.get(`${p.id}-v0`) ?? null,
        isLocal: p.isLocal,
      });
      if (p.screenSharing) {
        if (!remoteStreams.has(`${p.id}-v1`))
          remoteStreams.set(`${p.id}-v1`, canvasStream(`Screen: ${p.displayName}`, '#223', 1280, 720));
        tiles.push({
          key: `${p.id}-v1`,
          participantId: p.id,
          videoType: 'desktop',
          stream: remoteStreams.get(`${p.id}-v1`) ?? null,
          isLocal: p.isLocal,
        });
      }
    }
    return tiles;
  };

  const setParticipants = (participants: Record<string, Participant>) =>
    set({ participants, tiles: buildTiles(participants) });
  const updateLocal = (patch: Partial<Participant>) =>
    setParticipants({ ...state.participants, [localId]: { ...state.participants[localId], ...patch } });

  const enterMeeting = (displayName: string, audioMuted: boolean, videoMuted: boolean) => {
    const participants: Record<string, Participant> = {
      [localId]: {
        id: localId,
        displayName,
        isLocal: true,
        moderator: params.get('moderator') !== '0',
        audioMuted,
        videoMuted,
        screenSharing: false,
      },
    };
    for (let i = 0; i < remoteCount; i++) {
      const id = hexId(i);
      participants[id] = {
        id,
        displayName: NAMES[i],
        isLocal: false,
        moderator: false,
        audioMuted: i % 3 === 1,
        videoMuted: i === 2,
        screenSharing: i === 0 && params.get('share') === '1',
        raisedHand: i === 1 ? Date.now() : undefined,
      };
    }
    const chat: ChatMessage[] =
      remoteCount > 0
        ? [
            {
              id: 'm1',
              from: hexId(0),
              displayName: NAMES[0],
              text: 'Hi everyone! Can you hear me?',
              at: Date.now() - 120000,
              mine: false,
            },
            { id: 'm2', from: localId, displayName, text: 'Loud and clear.', at: Date.now() - 60000, mine: true },
            {
              id: 'm3',
              from: hexId(1),
              displayName: NAMES[1] ?? '',
              text: '大家好，我稍后共享屏幕。',
              at: Date.now() - 30000,
              mine: false,
              privateWith: hexId(1),
            },
          ]
        : [];
    set({
      phase: 'in-meeting',
      displayName,
      localId,
      audioMuted,
      videoMuted,
      micLevel: 0,
      chat,
      unreadChat: state.chatOpen ? 0 : chat.length,
      dominantSpeaker: remoteCount > 0 ? hexId(0) : undefined,
    });
    setParticipants(participants);
  };

  const actions: ConferenceActions = {
    async startPreview() {
      window.setInterval(() => {
        if (state.phase === 'prejoin')
          set({ micLevel: state.audioMuted ? 0 : 0.2 + 0.6 * Math.abs(Math.sin(Date.now() / 400)) });
      }, 150);
    },
    async join(opts) {
      localStorage.setItem('parley.displayName', opts.displayName);
      set({ phase: 'joining', displayName: opts.displayName });
      await new Promise((r) => setTimeout(r, 800));
      enterMeeting(
        opts.displayName,
        opts.startAudioMuted || !!opts.withoutDevices,
        opts.startVideoMuted || !!opts.withoutDevices,
      );
    },
    async leave() {
      set({ phase: 'left' });
    },
    toggleAudio() {
      set({ audioMuted: !state.audioMuted });
      updateLocal({ audioMuted: state.audioMuted });
    },
    toggleVideo() {
      set({ videoMuted: !state.videoMuted });
      updateLocal({ videoMuted: state.videoMuted });
    },
    async toggleScreenShare() {
      set({ screenSharing: !state.screenSharing });
      updateLocal({ screenSharing: state.screenSharing });
    },
    async selectDevice(kind, deviceId) {
      set({ devices: { ...state.devices, [kind === 'audioinput' ? 'audioInputId' : 'videoInputId']: deviceId } });
    },
    selectAudioOutput(deviceId) {
      set({ devices: { ...state.devices, audioOutputId: deviceId } });
    },
    sendChat(text, privateTo) {
      const msg: ChatMessage = {
        id: String(Math.random()),
        from: localId,
        displayName: state.displayName,
        text,
        at: Date.now(),
        mine: true,
        privateWith: privateTo,
      };
      set({ chat: [...state.chat, msg] });
    },
    setChatOpen(open) {
      set({
        chatOpen: open,
        participantsOpen: open ? false : state.participantsOpen,
        unreadChat: open ? 0 : state.unreadChat,
      });
    },
    setParticipantsOpen(open) {
      set({ participantsOpen: open, chatOpen: open ? false : state.chatOpen });
    },
    toggleRaiseHand() {
      updateLocal({ raisedHand: state.participants[localId]?.raisedHand ? undefined : Date.now() });
    },
    setView(view) {
      set({ view });
    },
    pin(tileKey) {
      set({ pinned: tileKey });
    },
    reportLayout() {
      /* no bridge in the demo */
    },
    setVideoQuality(videoQuality) {
      set({ videoQuality });
    },
    muteParticipant(id) {
      setParticipants({ ...state.participants, [id]: { ...state.participants[id], audioMuted: true } });
    },
    kickParticipant(id) {
      const { [id]: _gone, ...rest } = state.participants;
      setParticipants(rest);
    },
    grantModerator(id) {
      setParticipants({ ...state.participants, [id]: { ...state.participants[id], moderator: true } });
    },
    muteEveryone(media) {
      const muted = media === 'audio' ? { audioMuted: true } : { videoMuted: true };
      setParticipants(
        Object.fromEntries(
          Object.entries(state.participants).map(([id, p]) => [id, p.isLocal ? p : { ...p, ...muted }]),
        ),
      );
    },
    endMeetingForEveryone() {
      set({ phase: 'error', error: { kind: 'meeting-ended', endedBy: 'moderator' } });
    },
    setStreaming(on) {
      set({ streaming: { status: on ? 'on' : 'off', by: state.localId } });
    },
    setRecording(on) {
      set({ recording: { on, by: state.localId } });
    },
    setJoinPassword() {},
    setRoomPassword(password) {
      set({ roomAccess: { passwordSet: !!password, lobbyEnabled: false, knockers: [], ...state.roomAccess } });
    },
    setLobbyEnabled(enabled) {
      set({ roomAccess: { passwordSet: false, knockers: [], ...state.roomAccess, lobbyEnabled: enabled } });
    },
    answerKnock(id) {
      const knockers = (state.roomAccess?.knockers ?? []).filter((k) => k.id !== id);
      set({ roomAccess: { passwordSet: false, lobbyEnabled: true, ...state.roomAccess, knockers } });
    },
    async login() {},
    async copyInviteLink() {
      await navigator.clipboard.writeText(`${location.origin}/${encodeURIComponent(room)}`);
    },
  };

  // Jump to a starting point for screenshots.
  const error = params.get('error') as ErrorKind | null;
  const phase = params.get('phase');
  if (error) {
    state = {
      ...state,
      phase: 'error',
      error: {
        kind: error,
        url: error === 'signaling-failed' ? 'wss://meet.parley.local/xmpp-websocket' : undefined,
        detail: 'Demo error: WebSocket closed with code 1006 before the session started.',
      },
    };
  } else if (phase === 'meeting') {
    enterMeeting(state.displayName || 'Demo User', false, false);
  } else if (phase === 'joining' || phase === 'left') {
    state = { ...state, phase };
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    actions,
  };
}
