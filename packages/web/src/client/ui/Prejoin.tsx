// Prejoin: name, camera preview, microphone level, device choice, join muted.
import { useEffect, useState } from 'preact/hooks';
import type { ConferenceStore, ConferenceState } from '../conference/types';
import { t } from '../i18n';
import { useSrcObject } from './hooks';
import { Avatar } from './Avatar';
import { CamIcon, CamOffIcon, MicIcon, MicOffIcon } from './icons';
import { DeviceSelect } from './DeviceSelect';
import { PasswordField } from './PasswordField';

export function Prejoin({ store, state }: { store: ConferenceStore; state: ConferenceState }) {
  const { actions } = store;
  const [name, setName] = useState(state.displayName);
  const [audioOff, setAudioOff] = useState(state.audioMuted);
  const [videoOff, setVideoOff] = useState(state.videoMuted);
  const [busy, setBusy] = useState(false);
  const [password, setPassword] = useState('');
  const prompt = state.roomAccess?.passwordPrompt;
  const videoRef = useSrcObject<HTMLVideoElement>(state.localStream);

  useEffect(() => {
    // Back from a password refusal the camera is already on: keep it.
    if (!store.getState().localStream) void actions.startPreview().catch(() => undefined);
  }, [actions]);

  // The store may load the remembered name after the first render.
  useEffect(() => {
    if (!name && state.displayName) setName(state.displayName);
  }, [state.displayName]);

  const join = () => {
    if (busy) return;
    setBusy(true);
    if (prompt) actions.setJoinPassword(password);
    actions
      .join({ displayName: name.trim(), startAudioMuted: audioOff, startVideoMuted: videoOff })
      .catch(() => undefined)
      .finally(() => setBusy(false));
  };

  const hasVideo = !!state.localStream && state.localStream.getVideoTracks().length > 0;
  const level = Math.max(0, Math.min(1, state.micLevel));

  return (
    <div class="screen prejoin" data-testid="prejoin">
      <div class="prejoin-preview">
        <video
          ref={videoRef}
          data-testid="preview-video"
          class="mirrored"
          style={hasVideo && !videoOff ? undefined : { visibility: 'hidden' }}
          autoplay
          playsInline
          muted
        />
        {(!hasVideo || videoOff) && (
          <div class="preview-placeholder">
            <Avatar id={name || 'me'} name={name || t('common.guest')} />
            <span class="muted">{videoOff ? t('prejoin.cameraOff') : t('prejoin.noPreview')}</span>
          </div>
        )}
      </div>
      <div class="prejoin-card">
        <p class="room-label">{t('prejoin.room', { room: state.room })}</p>
        <h1>{t('prejoin.title')}</h1>
        <label class="field">
          <span class="field-label">{t('prejoin.nameLabel')}</span>
          <input
            type="text"
            data-testid="name-input"
            value={name}
            maxLength={64}
            autoComplete="name"
            placeholder={t('prejoin.namePlaceholder')}
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.isComposing) join();
            }}
          />
        </label>
        {prompt && <PasswordField prompt={prompt} value={password} onInput={setPassword} onEnter={join} />}
        <div class="field">
          <span class="field-label">{t('prejoin.micLevel')}</span>
          {/* biome-ignore lint/a11y/useSemanticElements: <meter> cannot be styled alike in Chromium and Firefox */}
          <div
            class="mic-meter"
            data-testid="mic-level"
            data-level={level.toFixed(2)}
            role="meter"
            aria-label={t('prejoin.micLevel')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(level * 100)}
          >
            <div class="mic-meter-fill" style={{ width: `${Math.round(level * 100)}%` }} />
          </div>
        </div>
        <DeviceSelect
          label={t('prejoin.microphone')}
          devices={state.devices.audioInputs}
          value={state.devices.audioInputId}
          onChange={(id) => void actions.selectDevice('audioinput', id).catch(() => undefined)}
        />
        <DeviceSelect
          label={t('prejoin.camera')}
          devices={state.devices.videoInputs}
          value={state.devices.videoInputId}
          onChange={(id) => void actions.selectDevice('videoinput', id).catch(() => undefined)}
        />
        <label class="switch">
          <input
            type="checkbox"
            data-testid="start-audio-muted"
            checked={audioOff}
            onChange={(e) => setAudioOff((e.currentTarget as HTMLInputElement).checked)}
          />
          <span class="switch-icon">{audioOff ? <MicOffIcon size={18} /> : <MicIcon size={18} />}</span>
          <span>{t('prejoin.micOff')}</span>
        </label>
        <label class="switch">
          <input
            type="checkbox"
            data-testid="start-video-muted"
            checked={videoOff}
            onChange={(e) => setVideoOff((e.currentTarget as HTMLInputElement).checked)}
          />
          <span class="switch-icon">{videoOff ? <CamOffIcon size={18} /> : <CamIcon size={18} />}</span>
          <span>{t('prejoin.camOff')}</span>
        </label>
        <button type="button" class="button primary wide" data-testid="join-button" disabled={busy} onClick={join}>
          {t('prejoin.join')}
        </button>
      </div>
    </div>
  );
}
