// Access mode "login": the meeting has not started. Guests wait here (the store asks the focus again
// every few seconds and lets them in once the host has started); the host logs in here to start it.
import { useState } from 'preact/hooks';
import type { ConferenceStore, ConferenceState } from '../conference/types';
import { t } from '../i18n';

export function WaitingForHost({ store, state }: { store: ConferenceStore; state: ConferenceState }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const busy = !!state.login?.busy;
  const submit = (e: Event) => {
    e.preventDefault();
    if (busy || !user.trim() || !password) return;
    void store.actions.login(user, password).catch(() => undefined);
  };
  return (
    <div class="screen center" data-testid="waiting-for-host">
      <div class="card">
        <div class="spinner" aria-hidden="true" />
        <h1>{t('access.waiting.title')}</h1>
        <p class="muted">{t('access.waiting.body', { room: state.room })}</p>
        <form class="login-form" data-testid="login-form" onSubmit={submit}>
          <h2>{t('access.login.title')}</h2>
          <label class="field">
            <span class="field-label">{t('access.login.user')}</span>
            <input
              type="text"
              data-testid="login-user"
              autoComplete="username"
              autoCapitalize="none"
              value={user}
              onInput={(e) => setUser((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <label class="field">
            <span class="field-label">{t('access.login.password')}</span>
            <input
              type="password"
              data-testid="login-password"
              autoComplete="current-password"
              value={password}
              onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          {state.login?.error && (
            <p class="error-text" role="alert" data-testid="login-error">
              {t(state.login.error === 'bad-credentials' ? 'access.login.bad' : 'access.login.failed')}
            </p>
          )}
          <button type="submit" class="button primary wide" data-testid="login-button" disabled={busy}>
            {t('access.login.button')}
          </button>
        </form>
      </div>
    </div>
  );
}
