// The access-denied error screen's body: why the invitation did not let the user in, in their words.
import { t, type MessageKey } from '../i18n';

const REASONS = ['token-missing', 'token-invalid', 'token-expired', 'token-not-yet-valid', 'token-wrong-room'];

export function AccessDenied({ reason }: { reason?: string }) {
  const key = (REASONS.includes(reason ?? '') ? `access.refused.${reason}` : 'access.refused.other') as MessageKey;
  return (
    <>
      <p data-testid="access-reason" data-reason={reason ?? ''}>
        {t(key)}
      </p>
      <p class="muted">{t('access.refused.ask')}</p>
      <div class="button-row">
        <a class="button secondary" href="/" data-testid="home-button">
          {t('common.home')}
        </a>
      </div>
    </>
  );
}
