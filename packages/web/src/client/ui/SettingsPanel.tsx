// In-call settings, opened from the toolbar's gear: microphone, camera, speaker and video quality.
// A small popover above the toolbar; Escape or a click outside it (and outside its button) closes it.
import { useEffect, useRef } from 'preact/hooks';
import type { ConferenceActions, ConferenceState } from '../conference/types';
import { t } from '../i18n';
import { CloseIcon } from './icons';
import { DeviceSelect } from './DeviceSelect';
import { VIDEO_QUALITIES, type VideoQuality } from '../conference/video-quality';

/** True where the browser can route an <audio> element to a chosen output (HTMLMediaElement.setSinkId). */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

export function SettingsPanel({
  state,
  actions,
  onClose,
  toggle,
}: {
  state: ConferenceState;
  actions: ConferenceActions;
  onClose: (refocus: boolean) => void;
  /** The toolbar button that opens the panel: a click on it is not "outside". */
  toggle: { current: HTMLElement | null };
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      onClose(true);
    };
    const onPointer = (e: Event) => {
      const target = e.target as Node | null;
      if (!target || ref.current?.contains(target) || toggle.current?.contains(target)) return;
      onClose(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer, true);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer, true);
    };
  }, [onClose, toggle]);
  useEffect(() => {
    ref.current?.querySelector('select')?.focus();
  }, []);

  const { devices } = state;
  const speaker = canChooseSpeaker();
  // "default" is listed by Chromium as an output of its own: the placeholder stands for it.
  const outputs = devices.audioOutputs.filter((d) => d.deviceId !== 'default' && d.deviceId !== '');
  return (
    <div class="settings-panel" role="dialog" aria-label={t('settings.title')} data-testid="settings-panel" ref={ref}>
      <div class="settings-header">
        <h2>{t('settings.title')}</h2>
        <button type="button" class="icon-button" aria-label={t('common.close')} onClick={() => onClose(true)}>
          <CloseIcon size={18} />
        </button>
      </div>
      <DeviceSelect
        testid="device-audioinput"
        label={t('settings.microphone')}
        devices={devices.audioInputs}
        value={devices.audioInputId}
        onChange={(id) => void actions.selectDevice('audioinput', id).catch(() => undefined)}
      />
      <DeviceSelect
        testid="device-videoinput"
        label={t('settings.camera')}
        devices={devices.videoInputs}
        value={devices.videoInputId}
        onChange={(id) => void actions.selectDevice('videoinput', id).catch(() => undefined)}
      />
      <DeviceSelect
        testid="device-audiooutput"
        label={t('settings.speaker')}
        devices={outputs}
        value={devices.audioOutputId}
        placeholder={t('settings.speakerDefault')}
        disabled={!speaker}
        onChange={(id) => actions.selectAudioOutput(id)}
      />
      {!speaker && <p class="settings-note">{t('settings.speakerUnsupported')}</p>}
      <label class="field">
        <span class="field-label">{t('settings.videoQuality')}</span>
        <select
          data-testid="video-quality"
          value={state.videoQuality}
          onChange={(e) => actions.setVideoQuality((e.currentTarget as HTMLSelectElement).value as VideoQuality)}
        >
          {VIDEO_QUALITIES.map((q) => (
            <option key={q} value={q}>
              {t(`settings.quality.${q}`)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
