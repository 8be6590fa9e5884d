// Participants list: name, (you), moderator badge, mute icons, raised hand; moderator mute/remove,
// and the moderator's own controls (ModerationControls.tsx).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ConferenceActions, ConferenceState, Participant } from '../conference/types';
import { t } from '../i18n';
import { Avatar } from './Avatar';
import { ConfirmDialog } from './ConfirmDialog';
import { GrantModeratorButton, ModeratorBar } from './ModerationControls';
import { RecordingButton } from './RecordingControls';
import { RoomAccessSection } from './RoomAccessSection';
import { displayNameOf } from './Tile';
import { CamOffIcon, CamIcon, CloseIcon, HandIcon, MicIcon, MicOffIcon, StarIcon } from './icons';

// A mic or camera icon in a row: read out only when it is off ("microphone muted"); an "on" icon is
// what everybody has, so it stays silent.
function MediaState({ off, offLabel, children }: { off: boolean; offLabel: string; children: ComponentChildren }) {
  if (!off) return <span aria-hidden="true">{children}</span>;
  return (
    <span class="off" role="img" aria-label={offLabel}>
      {children}
    </span>
  );
}

function order(a: Participant, b: Participant): number {
  if (a.isLocal !== b.isLocal) return a.isLocal ? -1 : 1;
  // Raised hands first (earliest first), as in Jitsi.
  const ha = a.raisedHand ?? Infinity;
  const hb = b.raisedHand ?? Infinity;
  if (ha !== hb) return ha - hb;
  return displayNameOf(a).localeCompare(displayNameOf(b));
}

export function ParticipantsPanel({ state, actions }: { state: ConferenceState; actions: ConferenceActions }) {
  const [confirming, setConfirming] = useState<Participant | null>(null);
  const list = Object.values(state.participants).sort(order);
  const local = state.localId ? state.participants[state.localId] : undefined;
  const iAmModerator = !!local?.moderator;

  return (
    <aside
      class="panel participants-panel"
      data-testid="participants-panel"
      aria-label={t('participants.title', { n: list.length })}
    >
      <header class="panel-header">
        <h2>{t('participants.title', { n: list.length })}</h2>
        <button
          type="button"
          class="icon-button"
          aria-label={t('common.close')}
          onClick={() => actions.setParticipantsOpen(false)}
        >
          <CloseIcon size={20} />
        </button>
      </header>
      {iAmModerator && <ModeratorBar actions={actions} />}
      {iAmModerator && (
        <section class="moderator-bar" data-testid="recording-controls">
          <RecordingButton state={state} actions={actions} />
        </section>
      )}
      {iAmModerator && <RoomAccessSection state={state} actions={actions} />}
      <ul class="participant-list">
        {list.map((p) => {
          const audioMuted = p.isLocal ? state.audioMuted : p.audioMuted;
          const videoMuted = p.isLocal ? state.videoMuted : p.videoMuted;
          const name = displayNameOf(p);
          return (
            <li key={p.id} class="participant-row" data-testid="participant-row" data-participant={p.id}>
              <Avatar id={p.id} name={name} />
              <div class="participant-name">
                <span class="name">{name}</span>
                {p.isLocal && <span class="you">{t('common.you')}</span>}
                {p.external && (
                  <span class="chat-only" data-testid="chat-only" title={t('participants.chatOnlyHint')}>
                    {t('participants.chatOnly')}
                  </span>
                )}
                {p.moderator && (
                  <span class="mod-badge" data-testid="moderator-badge" title={t('participants.moderator')}>
                    <StarIcon size={11} /> {t('participants.moderator')}
                  </span>
                )}
              </div>
              <div class="participant-icons">
                {p.raisedHand !== undefined && (
                  <span class="hand" role="img" title={t('tile.handRaised')} aria-label={t('tile.handRaised')}>
                    <HandIcon size={18} />
                  </span>
                )}
                {!p.external && (
                  <MediaState off={audioMuted} offLabel={t('tile.micMuted')}>
                    {audioMuted ? <MicOffIcon size={18} /> : <MicIcon size={18} />}
                  </MediaState>
                )}
                {!p.external && (
                  <MediaState off={videoMuted} offLabel={t('tile.camMuted')}>
                    {videoMuted ? <CamOffIcon size={18} /> : <CamIcon size={18} />}
                  </MediaState>
                )}
              </div>
              {iAmModerator && !p.isLocal && (
                <div class="participant-actions">
                  {!p.external && (
                    <button
                      type="button"
                      class="small-button"
                      data-testid="participant-mute"
                      aria-label={t('participants.muteLabel', { name })}
                      disabled={p.audioMuted}
                      onClick={() => actions.muteParticipant(p.id)}
                    >
                      {t('participants.mute')}
                    </button>
                  )}
                  <GrantModeratorButton participant={p} name={name} actions={actions} />
                  {/* The room refuses to remove a moderator (participants are not room owners). */}
                  {!p.moderator && (
                    <button
                      type="button"
                      class="small-button danger"
                      data-testid="participant-remove"
                      aria-label={t('participants.removeLabel', { name })}
                      onClick={() => setConfirming(p)}
                    >
                      {t('participants.remove')}
                    </button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {confirming && (
        <ConfirmDialog
          title={t('participants.confirmTitle')}
          body={t('participants.confirmBody', { name: displayNameOf(confirming) })}
          confirmLabel={t('participants.remove')}
          confirmTestId="confirm-remove"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            actions.kickParticipant(confirming.id);
            setConfirming(null);
          }}
        />
      )}
    </aside>
  );
}
