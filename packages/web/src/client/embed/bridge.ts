// The meeting's side of the embed API: when this page runs in another page's iframe, it takes the
// commands of external-api.ts from that page — only if its origin is one config.embedOrigins names,
// the same list the web server lets frame the app — and tells it what happens (events.ts).
import type { ConferenceState, ConferenceStore, ParleyConfig } from '../conference/types';
import { embedEvents, type EmbedSnapshot } from './events.js';
import { parseHashConfig } from './hash-config.js';
import { COMMANDS, isEmbedMessage, type ToMeeting, type ToPage } from './protocol.js';

/** Events sent before the page said hello wait here (bounded: a page that never asks loses the oldest). */
const MAX_QUEUED = 200;

export function startEmbedBridge(store: ConferenceStore, config: ParleyConfig): void {
  if (window.parent === window) return;
  const allowed = new Set(config.embedOrigins ?? []);
  let pageOrigin: string | undefined;
  const queued: ToPage[] = [];
  const post = (m: ToPage) => {
    if (pageOrigin) window.parent.postMessage(m, pageOrigin);
    else if (queued.push(m) > MAX_QUEUED) queued.shift();
  };

  window.addEventListener('message', (e: MessageEvent) => {
    if (e.source !== window.parent || !isEmbedMessage(e.data)) return;
    if (!allowed.has(e.origin)) {
      console.warn(JSON.stringify({ event: 'embed.refused', origin: e.origin, hint: 'not in embedOrigins' }));
      return;
    }
    const m = e.data as ToMeeting;
    if (m.kind === 'hello') {
      pageOrigin = e.origin;
      for (const q of queued.splice(0)) window.parent.postMessage(q, pageOrigin);
      post(stateOf(store.getState()));
    } else if (m.kind === 'command' && typeof m.name === 'string' && Array.isArray(m.args)) {
      run(store, m.name, m.args);
    }
  });

  let prev = snapshot(store.getState());
  store.subscribe((s) => {
    const next = snapshot(s);
    const events = embedEvents(prev, next);
    const changed =
      prev.participants !== next.participants ||
      prev.audioMuted !== next.audioMuted ||
      prev.videoMuted !== next.videoMuted;
    prev = next;
    for (const ev of events) post({ parleyEmbed: 1, kind: 'event', ...ev });
    if (changed) post(stateOf(s));
  });

  // The page asked to skip the prejoin screen: join with its name and mute choices.
  const wanted = parseHashConfig(location.hash);
  if (wanted.prejoin === false && store.getState().phase === 'prejoin')
    void store.actions
      .join({
        displayName: wanted.displayName ?? '',
        startAudioMuted: wanted.startAudioMuted === true,
        startVideoMuted: wanted.startVideoMuted === true,
      })
      .catch(() => undefined);
}

function snapshot(s: ConferenceState): EmbedSnapshot {
  return {
    phase: s.phase,
    room: s.room,
    localId: s.localId,
    displayName: s.displayName,
    audioMuted: s.audioMuted,
    videoMuted: s.videoMuted,
    participants: s.participants,
    chat: s.chat,
  };
}

function stateOf(s: ConferenceState): ToPage {
  return {
    parleyEmbed: 1,
    kind: 'state',
    audioMuted: s.audioMuted,
    videoMuted: s.videoMuted,
    participants: Object.values(s.participants).map((p) => ({
      participantId: p.id,
      displayName: p.displayName,
      formattedDisplayName: p.isLocal ? `${p.displayName} (me)` : p.displayName,
    })),
  };
}

function run(store: ConferenceStore, name: string, args: unknown[]): void {
  const a = store.actions;
  const s = store.getState();
  switch (name as (typeof COMMANDS)[number]) {
    case 'toggleAudio':
      return a.toggleAudio();
    case 'toggleVideo':
      return a.toggleVideo();
    case 'toggleShareScreen':
      return void a.toggleScreenShare().catch(() => undefined);
    case 'toggleChat':
      return a.setChatOpen(!s.chatOpen);
    case 'toggleRaiseHand':
      return a.toggleRaiseHand();
    case 'toggleTileView':
      return a.setView(s.view === 'tile' ? 'stage' : 'tile');
    case 'hangup':
      return void a.leave().catch(() => undefined);
    case 'sendChatMessage': {
      const [text, to] = args;
      if (typeof text === 'string' && text.trim()) a.sendChat(text, typeof to === 'string' && to ? to : undefined);
      return;
    }
    default:
      console.warn(JSON.stringify({ event: 'embed.unknown_command', name, known: COMMANDS }));
  }
}
