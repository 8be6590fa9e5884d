// Prejoin's password field, shown when the room refused us for want of the right password.
import { t } from '../i18n';

export function PasswordField(props: {
  prompt: 'required' | 'wrong';
  value: string;
  onInput(value: string): void;
  onEnter(): void;
}) {
  return (
    <label class="field">
      <span class="field-label">{t('prejoin.passwordLabel')}</span>
      <p
        class={props.prompt === 'wrong' ? 'password-message wrong' : 'password-message'}
        role={props.prompt === 'wrong' ? 'alert' : 'status'}
        data-testid={props.prompt === 'wrong' ? 'password-wrong' : 'password-required'}
      >
        {props.prompt === 'wrong' ? t('prejoin.passwordWrong') : t('prejoin.passwordRequired')}
      </p>
      <input
        type="password"
        data-testid="password-input"
        value={props.value}
        maxLength={128}
        autoComplete="off"
        // biome-ignore lint/a11y/noAutofocus: the password is the one thing this screen now needs
        autoFocus
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.isComposing) props.onEnter();
        }}
      />
    </label>
  );
}
