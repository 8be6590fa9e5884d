// The conference store: state + actions for the components. It wires the parts together:
// signaling (XMPP, focus, MUC room, reconnection), media-session (Jingle, peer connection, bridge
// channel, screen share), local-tracks (camera, microphone, devices) and moderation. Jingle,
// presence, messages and the actions that renegotiate all run through one queue.
import { newEndpointId, occupantJid, xml } from '@parley/protocol';
import type { ConferenceError, ConferenceState, ConferenceStore, JoinOptions, ParleyConfig } from './types.js';
import { SerialQueue } from '@parley/protocol';
import { deviceErrorKind, errorDetail, resolveServiceUrl } from './errors.js';
import { chatStanza, emptyRoom, newChatId, participantsOf } from './room.js';
import { audioOf, buildTiles } from './tiles.js';
import { getScreen } from './local-media.js';
import { defaultEnv, sleep, type Conference, type StoreEnv } from './context.js';
import { createMediaSession } from './media-session.js';
import { createSignaling } from './signaling.js';
import { createLocalTracks } from './local-tracks.js';
import { createModeration } from './moderation.js';
import { createRecording } from './recording.js';
import { createRoomAccess } from './room-access.js';
import { createAccessFlow } from './access-flow.js';
import { inviteToken, tokenDisplayName } from './access.js';
import { initialState, isTerminal, reduce, type StateEvent } from './state.js';

export type { StoreEnv } from './context.js';

const NAME_KEY = 'parley.displayName';

export function createConferenceStore(
  config: ParleyConfig,
  room: string,
  envOverrides: Partial<StoreEnv> = {},
): ConferenceStore {
  const env: StoreEnv = { ...defaultEnv(), ...envOverrides };
  let state: ConferenceState = initialState(
    room,
    tokenDisplayName(inviteToken(env.location.search)) ?? env.storage?.getItem(NAME_KEY) ?? '',
  );

  const listeners = new Set<(s: ConferenceState) => void>();

  function set(patch: Partial<ConferenceState>): void {
    dispatch({ type: 'patch', patch });
  }

  /** Every state change goes through the reducer; listeners hear each new state. */
  function dispatch(event: StateEvent): void {
    state = reduce(state, event);
    for (const l of [...listeners]) {
      try {
        l(state);
      } catch (err) {
        env.log('listener.failed', { error: errorDetail(err) });
      }
    }
  }

  const terminal = () => isTerminal(state);

  const c: Conference = {
    env,
    config,
    room,
    roomJid: `${room.toLowerCase()}@${config.mucDomain}`,
    wsUrl: resolveServiceUrl(config.websocketUrl, env.location, 'websocket'),
    focusJids: new Set([config.focusJid]),
    queue: new SerialQueue((err, what) => env.log('queue.task_failed', { what, error: errorDetail(err) })),
    get state() {
      return state;
    },
    set,
    refresh,
    fail,
    terminal,
    sendPresence: () => signaling.sendPresence(),
    xmpp: undefined,
    endpointId: undefined,
    myJid: '',
    roomModel: emptyRoom(),
    inRoom: false,
    leaving: false,
    screen: null,
    raisedHand: undefined,
  };
  const media = createMediaSession(c);
  const local = createLocalTracks(c, media);
  const moderation = createModeration(c, { audio: local.setAudioMuted, video: local.setVideoMuted });
  const access = createRoomAccess(c, () => signaling);
  const recording = createRecording(c);
  const signaling = createSignaling(c, {
    onJingle: media.onJingle,
    remoteMute: moderation.onRemoteMute,
    disconnected: media.markStale,
    conferenceProperties: moderation.conferenceProperties,
    focusIqs: moderation.focusIqs,
    focusPresence: recording.onFocusPresence,
    ...access.hooks,
  });
  const accessFlow = createAccessFlow(c, signaling);

  /** Recomputes participants, tiles and audio from the room model and the session. */
  function refresh(patch: Partial<ConferenceState> = {}): void {
    const s = { ...state, ...patch };
    const id = c.endpointId;
    const me =
      id && (s.phase === 'in-meeting' || s.phase === 'joining' || c.inRoom)
        ? {
            id,
            displayName: s.displayName,
            audioMuted: s.audioMuted,
            videoMuted: s.videoMuted,
            screenSharing: s.screenSharing,
            ...(c.raisedHand !== undefined ? { raisedHand: c.raisedHand } : {}),
          }
        : undefined;
    const cam = s.localStream && s.localStream.getVideoTracks().length > 0 && !s.videoMuted ? s.localStream : null;
    const input = {
      ...(me ? { local: { id: me.id, camera: cam, screen: c.screen } } : {}),
      room: c.roomModel,
      remote: media.remoteSources(),
    };
    const tiles = buildTiles(input);
    set({
      ...patch,
      ...(me ? { localId: me.id } : {}),
      participants: participantsOf(c.roomModel, me),
      tiles,
      audioStreams: audioOf(input),
    });
    media.sendConstraints();
  }

  function fail(error: ConferenceError): void {
    if (terminal()) return;
    env.log('conference.error', { ...error });
    const fatal = error.kind !== 'no-devices' && error.kind !== 'permission-denied';
    if (fatal) teardown(error.kind !== 'media-failed' && error.kind !== 'signaling-failed');
    dispatch({ type: 'failed', error });
  }

  function teardown(stopTracks: boolean): void {
    signaling.stopTimers();
    accessFlow.stop();
    media.close();
    c.inRoom = false;
    const x = c.xmpp;
    c.xmpp = undefined;
    void x?.stop();
    if (stopTracks) local.stop();
  }

  const actions: Omit<ConferenceStore['actions'], keyof typeof access.actions> = {
    async startPreview() {
      if (!local.secureOk()) return;
      try {
        const stream = await local.acquire();
        state.localStream?.getTracks().forEach((t) => t.stop());
        await local.useLocalStream(stream);
        if (state.phase === 'error') set({ phase: 'prejoin', error: undefined });
      } catch (err) {
        fail({ kind: deviceErrorKind(err), detail: errorDetail(err) });
      }
    },

    async join(opts: JoinOptions) {
      if (state.phase === 'joining' || state.phase === 'in-meeting') return;
      if (terminal()) return;
      if (!local.secureOk()) return;
      const displayName = opts.displayName.trim();
      try {
        env.storage?.setItem(NAME_KEY, displayName);
      } catch {
        /* private mode */
      }
      set({
        phase: 'joining',
        error: undefined,
        displayName,
        audioMuted: opts.startAudioMuted,
        videoMuted: opts.startVideoMuted,
      });
      try {
        if (opts.withoutDevices) {
          local.stop();
          await local.useLocalStream(null);
        } else if (!state.localStream) {
          await local.useLocalStream(await local.acquire());
        } else {
          await local.useLocalStream(state.localStream);
        }
      } catch (err) {
        return fail({ kind: deviceErrorKind(err), detail: errorDetail(err) });
      }
      c.endpointId = newEndpointId();
      c.roomModel = emptyRoom();
      try {
        const x = await signaling.connect();
        c.xmpp = x;
        await signaling.requestConference(x);
        if (c.xmpp !== x || (state.phase as string) !== 'joining') return;
        accessFlow.enterRoom();
      } catch (err) {
        return accessFlow.joinFailed(err);
      }
    },

    async leave() {
      if (state.phase === 'left') return;
      c.leaving = true;
      const x = c.xmpp;
      const pending: Promise<unknown>[] = [];
      const terminating = media.terminate();
      if (terminating) pending.push(terminating.catch(() => {}));
      if (x && c.endpointId && c.inRoom)
        x.send(xml('presence', { to: occupantJid(c.roomJid, c.endpointId), type: 'unavailable' }));
      await Promise.race([Promise.all(pending), sleep(1000)]);
      teardown(true);
      set({
        phase: 'left',
        reconnecting: false,
        localStream: null,
        screenSharing: false,
        tiles: [],
        audioStreams: {},
        micLevel: 0,
      });
    },

    toggleAudio: local.toggleAudio,
    toggleVideo: local.toggleVideo,

    async toggleScreenShare() {
      if (state.phase !== 'in-meeting') return;
      if (c.screen) {
        await c.queue.run('stop screen', media.stopScreen);
        return;
      }
      let stream: MediaStream;
      try {
        stream = await getScreen(local.mediaEnv());
      } catch (err) {
        env.log('screen.refused', { error: errorDetail(err) });
        return; // the user cancelled the picker: not an error
      }
      const track = stream.getVideoTracks()[0];
      if (!track) return;
      track.addEventListener('ended', () => {
        if (c.screen === stream) c.queue.post('screen ended', media.stopScreen);
      });
      await c.queue.run('start screen', async () => {
        if (terminal()) return void stream.getTracks().forEach((t) => t.stop());
        c.screen = stream;
        refresh({ screenSharing: true });
        signaling.sendPresence();
        try {
          await media.shareScreen();
        } catch (err) {
          env.log('screen.failed', { error: errorDetail(err) });
          await media.stopScreen();
        }
      });
    },

    selectDevice: local.selectDevice,
    selectAudioOutput: local.selectAudioOutput,

    sendChat(text, privateTo) {
      const body = text.trim();
      if (!body || !c.xmpp) return;
      const id = newChatId();
      c.xmpp.send(chatStanza(c.roomJid, body, id, privateTo));
      if (privateTo) {
        // MUC private messages are not reflected: record our own copy. Groupchat comes back from the room.
        set({
          chat: [
            ...state.chat,
            {
              id,
              from: c.endpointId ?? '',
              displayName: state.displayName,
              text: body,
              at: Date.now(),
              mine: true,
              privateWith: privateTo,
            },
          ],
        });
      }
    },

    setChatOpen(open) {
      dispatch({ type: 'chat-open', open });
    },

    setParticipantsOpen(open) {
      dispatch({ type: 'participants-open', open });
    },

    toggleRaiseHand() {
      c.raisedHand = c.raisedHand === undefined ? Date.now() : undefined;
      refresh();
      signaling.sendPresence();
    },

    setView(view) {
      dispatch({ type: 'view', view });
      media.sendConstraints();
    },

    pin(tileKey) {
      dispatch({ type: 'pin', tileKey });
      media.sendConstraints();
    },

    ...moderation.actions,
    ...recording.actions,
    login: accessFlow.login,

    async copyInviteLink() {
      await env.clipboard?.writeText(`${env.location.origin}/${room}`);
    },
  };

  const store: ConferenceStore = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    actions: { ...actions, ...access.actions },
  };

  if (typeof window !== 'undefined') {
    (window as unknown as { parleyDebug: unknown }).parleyDebug = {
      store,
      getStats: () => media.stats(),
      get endpointId() {
        return c.endpointId;
      },
      get droppedBridgeMessages() {
        return media.droppedBridgeMessages;
      },
      get droppedStanzas() {
        return signaling.droppedStanzas;
      },
      /** Test hook: drops the XMPP WebSocket as a network failure would (the store reconnects). */
      dropConnectionForTest: () => c.xmpp?.dropConnectionForTest?.(),
    };
  }
  return store;
}
