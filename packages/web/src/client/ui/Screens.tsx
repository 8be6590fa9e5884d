// Small full-page screens: joining spinner and "you left".
import { t } from '../i18n';

export function Joining({ room }: { room: string }) {
  return (
    <div class="screen center" data-testid="joining" aria-busy="true">
      <div class="spinner" aria-hidden="true" />
      <p class="screen-title">{t('joining.text')}</p>
      <p class="muted">{room}</p>
    </div>
  );
}

export function Left() {
  return (
    <div class="screen center" data-testid="left">
      <div class="card">
        <h1>{t('left.title')}</h1>
        <p class="muted">{t('left.body')}</p>
        <div class="button-row">
          <button type="button" class="button primary" data-testid="rejoin" onClick={() => location.reload()}>
            {t('left.rejoin')}
          </button>
          <button type="button" class="button secondary" data-testid="home-button" onClick={() => location.assign('/')}>
            {t('common.home')}
          </button>
        </div>
      </div>
    </div>
  );
}
