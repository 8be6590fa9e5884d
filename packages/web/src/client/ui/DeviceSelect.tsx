// A labelled <select> of media devices, shared by the prejoin screen and the in-call settings.
import { t } from '../i18n';

export function DeviceSelect({
  testid,
  label,
  devices,
  value,
  placeholder,
  disabled,
  onChange,
}: {
  testid?: string;
  label: string;
  devices: MediaDeviceInfo[];
  value: string | undefined;
  /** An extra first option with the value '' (e.g. "System default"). */
  placeholder?: string;
  disabled?: boolean;
  onChange: (id: string) => void;
}) {
  const selected = value ?? (placeholder !== undefined ? '' : (devices[0]?.deviceId ?? ''));
  return (
    <label class="field">
      <span class="field-label">{label}</span>
      <select
        data-testid={testid}
        value={selected}
        disabled={disabled || (devices.length === 0 && placeholder === undefined)}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {devices.length === 0 && placeholder === undefined && <option value="">{t('prejoin.noDevice')}</option>}
        {devices.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || t('prejoin.device', { n: i + 1 })}
          </option>
        ))}
      </select>
    </label>
  );
}
