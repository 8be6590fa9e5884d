// The conference store: state + actions for the components. It only wires the parts together,
// each owning its facts: signaling (XMPP, focus, MUC room, presence, reconnection), media-session
// (Jingle, peer connection, bridge channel, screen share), local-tracks (camera, microphone,
// devices), moderation, room access and the access flow. They share the read-only context
// (context.ts) and reach each other through narrow links; every state change goes through one
// reducer (state.ts). Jingle, presence, messages and the actions that renegotiate all run through
// one queue.
import type { ConferenceError, ConferenceState, ConferenceStore, JoinOptions, ParleyConfig } from './types.js';
import { SerialQueue } from '@parley/protocol';
import { deviceErrorKind, errorDetail, resolveServiceUrl } from './errors.js';
import { chatStanza, newChatId, participantsOf } from './room.js';
import { audioOf, buildTiles } from './tiles.js';
import { getScreen } from './local-media.js';
import { defaultEnv, sleep, type ConferenceContext, type StoreEnv } from './context.js';
import { createMediaSession } from './media-session.js';
import { createSignaling } from './signaling.js';
import { createLocalTracks } from './local-tracks.js';
import { createModeration } from './moderation.js';
import { createRecording } from './recording.js';
import { createRoomAccess } from './room-access.js';
import { createAccessFlow } from './access-flow.js';
import { inviteToken, tokenDisplayName } from './access.js';
import { initialState, isTerminal, reduce, type StateEvent } from './state.js';
import { parseVideoQuality, VIDEO_QUALITY_KEY } from './video-quality.js';

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
  state = { ...state, videoQuality: parseVideoQuality(env.storage?.getItem(VIDEO_QUALITY_KEY)) };

  const listeners = new Set<(s: ConferenceState) => void>();

  function set(patch: Partial<ConferenceState>): void {
    dispatch({ type: 'patch', patch });
  }

  /** Every state change goes through the reducer; listeners hear each new state. */
  function dispatch(event: StateEvent): void {
    const next = reduce(state, event);
    if (next === state) return; // nothing changed (a duplicate message, a preview without an error)
    state = next;
    for (const l of [...listeners]) {
      try {
        l(state);
      } catch (err) {
        env.log('listener.failed', { error: errorDetail(err) });
      }
    }
  }

  const terminal = () => isTerminal(state);

  const c: ConferenceContext = {
    env,
    config,
    room,
    roomJid: `${room.toLowerCase()}@${config.mucDomain}`,
    wsUrl: resolveServiceUrl(config.websocketUrl, env.location, 'websocket'),
    queue: new SerialQueue((err, what) => env.log('queue.task_failed', { what, error: errorDetail(err) })),
    get state() {
      return state;
    },
    dispatch,
    set,
    refresh,
    fail,
    terminal,
  };
  // The parts are created before signaling; their links read it when called, never before.
  const sendPresence = () => signaling.sendPresence();
  const connection = () => signaling.connection;
  const media = createMediaSession(c, {
    connection,
    endpointId: () => signaling.endpointId,
    myJid: () => signaling.myJid,
    sendPresence,
  });
  const local = createLocalTracks(c, { replaceTrack: media.replaceTrack, sendPresence });
  const moderation = createModeration(c, {
    connection,
    muteAudio: local.setAudioMuted,
    muteVideo: local.setVideoMuted,
  });
  const access = createRoomAccess(c, () => signaling);
  const recording = createRecording(c, connection);
  const signaling = createSignaling(c, {
    onJingle: media.onJingle,
    remoteMute: moderation.onRemoteMute,
    disconnected: media.markStale,
    screenSharing: () => media.screen !== null,
    conferenceProperties: moderation.conferenceProperties,
    focusIqs: moderation.focusIqs,
    focusPresence: recording.onFocusPresence,
    ...access.hooks,
  });
  const accessFlow = createAccessFlow(c, signaling);

  /** Recomputes participants, tiles and audio from the room model and the session. */
  function refresh(patch: Partial<ConferenceState> = {}): void {
    const s = { ...state, ...patch };
    const id = signaling.endpointId;
    const hand = signaling.raisedHand;
    const me =
      id && (s.phase === 'in-meeting' || s.phase === 'joining' || signaling.inRoom)
        ? {
            id,
            displayName: s.displayName,
            audioMuted: s.audioMuted,
            videoMuted: s.videoMuted,
            screenSharing: s.screenSharing,
            ...(hand !== undefined ? { raisedHand: hand } : {}),
          }
        : undefined;
    const cam = s.localStream && s.localStream.getVideoTracks().length > 0 && !s.videoMuted ? s.localStream : null;
    const input = {
      ...(me ? { local: { id: me.id, camera: cam, screen: media.screen } } : {}),
      room: signaling.roomModel,
      remote: media.remoteSources(),
    };
    set({
      ...patch,
      ...(me ? { localId: me.id } : {}),
      participants: participantsOf(signaling.roomModel, me),
      tiles: buildTiles(input),
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
    signaling.disconnect();
    if (stopTracks) {
      local.stop();
      media.dropScreen();
    }
  }

  const actions: Omit<ConferenceStore['actions'], keyof typeof access.actions> = {
    async startPreview() {
      if (!local.secureOk()) return;
      try {
        const stream = await local.acquire();
        state.localStream?.getTracks().forEach((t) => t.stop());
        await local.useLocalStream(stream);
        dispatch({ type: 'preview-ready' });
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
      dispatch({ type: 'joining', displayName, audioMuted: opts.startAudioMuted, videoMuted: opts.startVideoMuted });
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
      signaling.startJoin();
      try {
        const x = await signaling.connect();
        await signaling.requestConference(x);
        if (signaling.connection !== x || (state.phase as string) !== 'joining') return;
        accessFlow.enterRoom();
      } catch (err) {
        return accessFlow.joinFailed(err);
      }
    },

    async leave() {
      if (state.phase === 'left') return;
      // session-terminate first, then the unavailable presence; wait a moment for the focus's answer.
      const terminating = media.terminate()?.catch(() => {});
      signaling.leave();
      await Promise.race([terminating, sleep(1000)]);
      teardown(true);
      dispatch({ type: 'left' });
    },

    toggleAudio: local.toggleAudio,
    toggleVideo: local.toggleVideo,

    async toggleScreenShare() {
      if (state.phase !== 'in-meeting') return;
      if (media.screen) return c.queue.run('stop screen', media.stopScreen);
      let stream: MediaStream;
      try {
        stream = await getScreen(local.mediaEnv());
      } catch (err) {
        env.log('screen.refused', { error: errorDetail(err) });
        return; // the user cancelled the picker: not an error
      }
      await media.shareScreen(stream);
    },

    selectDevice: local.selectDevice,
    selectAudioOutput: local.selectAudioOutput,

    sendChat(text, privateTo) {
      const body = text.trim();
      const x = signaling.connection;
      if (!body || !x) return;
      const id = newChatId();
      x.send(chatStanza(c.roomJid, body, id, privateTo));
      // MUC private messages are not reflected: record our own copy. Groupchat comes back from the room.
      if (privateTo) {
        const from = signaling.endpointId ?? '';
        const message = { id, from, displayName: state.displayName, text: body, at: Date.now(), mine: true };
        dispatch({ type: 'chat', incoming: { message: { ...message, privateWith: privateTo }, history: false } });
      }
    },

    setChatOpen(open) {
      dispatch({ type: 'chat-open', open });
    },

    setParticipantsOpen(open) {
      dispatch({ type: 'participants-open', open });
    },

    toggleRaiseHand() {
      signaling.toggleRaisedHand();
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

    reportLayout(layout) {
      media.setLayout(layout);
    },

    setVideoQuality(videoQuality) {
      if (videoQuality === state.videoQuality) return;
      set({ videoQuality });
      env.storage?.setItem(VIDEO_QUALITY_KEY, videoQuality);
      media.applyQuality();
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
        return signaling.endpointId;
      },
      get droppedBridgeMessages() {
        return media.droppedBridgeMessages;
      },
      get droppedStanzas() {
        return signaling.droppedStanzas;
      },
      /** Test hook: drops the XMPP WebSocket as a network failure would (the store reconnects). */
      dropConnectionForTest: () => signaling.connection?.dropConnectionForTest?.(),
    };
  }
  return store;
}
