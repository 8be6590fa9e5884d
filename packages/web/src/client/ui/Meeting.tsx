// The in-meeting screen: video area (tile or stage view), side panels, toolbar, remote audio, banner.
import { useEffect } from 'preact/hooks';
import type { ConferenceStore, ConferenceState } from '../conference/types';
import { t } from '../i18n';
import { RecordingIndicator } from './RecordingControls';
import { useSrcObject } from './hooks';
import { ChatPanel } from './ChatPanel';
import { ParticipantsPanel } from './ParticipantsPanel';
import { Toolbar } from './Toolbar';
import { KnockNotice } from './KnockNotice';
import { LiveAnnouncer } from './LiveAnnouncer';
import { StageView, TileGrid } from './VideoArea';

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };

/** One remote audio stream; `sinkId` picks the speaker where the browser supports setSinkId ('' = default). */
function RemoteAudio({ stream, sinkId }: { stream: MediaStream; sinkId: string }) {
  const ref = useSrcObject<HTMLAudioElement>(stream);
  useEffect(() => {
    const el = ref.current as SinkAudio | null;
    if (!el || typeof el.setSinkId !== 'function' || el.sinkId === sinkId) return;
    el.setSinkId(sinkId).catch((err: unknown) =>
      console.warn(JSON.stringify({ event: 'audio.sink_failed', sinkId, error: String(err) })),
    );
  }, [sinkId, stream]);
  // biome-ignore lint/a11y/useMediaCaption: live call audio has no caption track to give
  return <audio ref={ref} autoplay class="remote-audio" data-sink-id={sinkId} />;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable;
}

/** Jitsi Meet's shortcuts: M mic, V camera, D screen share, C chat, R raise hand, W tile view. */
function useShortcuts(store: ConferenceStore) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || isTyping(e.target)) return;
      const s = store.getState();
      const a = store.actions;
      switch (e.key.toLowerCase()) {
        case 'm':
          a.toggleAudio();
          break;
        case 'v':
          a.toggleVideo();
          break;
        case 'd':
          void a.toggleScreenShare().catch(() => undefined);
          break;
        case 'c':
          a.setChatOpen(!s.chatOpen);
          break;
        case 'r':
          a.toggleRaiseHand();
          break;
        case 'w':
          a.setView(s.view === 'tile' ? 'stage' : 'tile');
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}

export function Meeting({ store, state }: { store: ConferenceStore; state: ConferenceState }) {
  useShortcuts(store);
  const { actions } = store;
  const panelOpen = state.chatOpen || state.participantsOpen;
  return (
    <div class={panelOpen ? 'meeting with-panel' : 'meeting'} data-testid="meeting">
      {state.reconnecting && (
        <div class="banner" role="status" data-testid="reconnecting">
          <span class="spinner small" aria-hidden="true" /> {t('reconnecting')}
        </div>
      )}
      <RecordingIndicator state={state} />
      <div class="meeting-body">
        <main class="video-area">
          {state.view === 'stage' ? (
            <StageView state={state} actions={actions} />
          ) : (
            <TileGrid state={state} actions={actions} />
          )}
        </main>
        {state.participantsOpen && <ParticipantsPanel state={state} actions={actions} />}
        {state.chatOpen && <ChatPanel state={state} actions={actions} />}
      </div>
      <KnockNotice state={state} actions={actions} />
      <LiveAnnouncer state={state} />
      <Toolbar state={state} actions={actions} />
      <div class="audio-sinks" aria-hidden="true">
        {Object.entries(state.audioStreams).map(([key, stream]) => (
          <RemoteAudio key={key} stream={stream} sinkId={state.devices.audioOutputId ?? ''} />
        ))}
      </div>
    </div>
  );
}
