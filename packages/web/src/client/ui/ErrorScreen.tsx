// One screen per ErrorKind, written for people: what happened, what to do, technical details.
import type { ComponentChildren } from 'preact';
import type { ConferenceStore, ConferenceError, ParleyConfig, ErrorKind } from '../conference/types';
import { t, type MessageKey } from '../i18n';
import { WarningIcon } from './icons';
import { AccessDenied } from './AccessDenied';
import { QrCode } from './QrCode';

function k(kind: ErrorKind, part: string): MessageKey {
  return `error.${kind}.${part}` as MessageKey;
}

function DoctorLink({ config }: { config: ParleyConfig }) {
  return (
    <a class="button secondary" href={config.doctorUrl || '/doctor'} data-testid="doctor-link">
      {t('error.doctor')}
    </a>
  );
}

const HomeButton = () => (
  <a class="button secondary" href="/" data-testid="home-button">
    {t('common.home')}
  </a>
);

const RetryButton = ({ secondary }: { secondary?: boolean }) => (
  <button
    type="button"
    class={secondary ? 'button secondary' : 'button primary'}
    data-testid="retry-button"
    onClick={() => location.reload()}
  >
    {t('error.retry')}
  </button>
);

function Steps({ children }: { children: ComponentChildren }) {
  return (
    <div class="steps">
      <h2>{t('error.whatToDo')}</h2>
      <ol>{children}</ol>
    </div>
  );
}

function Body({ error, store, config }: { error: ConferenceError; store: ConferenceStore; config: ParleyConfig }) {
  switch (error.kind) {
    case 'insecure-context': {
      const https = `https://${location.host}${location.pathname}${location.search}`;
      return (
        <>
          <p>{t('error.insecure-context.body')}</p>
          <Steps>
            <li>
              {t('error.insecure-context.step1')}{' '}
              <a href={https} data-testid="https-link">
                <code>{https}</code>
              </a>
            </li>
            <li>
              {t('error.insecure-context.step2')}{' '}
              <a href="/ca.pem" download="parley-ca.pem" data-testid="ca-link">
                {t('error.insecure-context.ca')}
              </a>
            </li>
            <li>{t('error.insecure-context.step3')}</li>
          </Steps>
          <figure class="qr-ca">
            <QrCode text={`${location.origin}/ca.pem`} label={t('home.phoneCa')} testid="qr-ca" />
            <figcaption>{t('home.phoneCa')}</figcaption>
          </figure>
          <div class="button-row">
            <a class="button primary" href={https}>
              {t('error.retry')}
            </a>
            <a class="button secondary" href="/ca.pem" download="parley-ca.pem">
              {t('error.insecure-context.ca')}
            </a>
            <DoctorLink config={config} />
          </div>
        </>
      );
    }
    case 'no-devices': {
      const joinWithout = () =>
        void store.actions
          .join({
            displayName: store.getState().displayName,
            startAudioMuted: true,
            startVideoMuted: true,
            withoutDevices: true,
          })
          .catch(() => undefined);
      return (
        <>
          <p>{t('error.no-devices.body')}</p>
          <Steps>
            <li>{t('error.no-devices.step1')}</li>
            <li>{t('error.no-devices.step2')}</li>
          </Steps>
          <div class="button-row">
            <button type="button" class="button primary" data-testid="join-without-devices" onClick={joinWithout}>
              {t('error.no-devices.join')}
            </button>
            <RetryButton secondary />
          </div>
        </>
      );
    }
    case 'signaling-failed':
    case 'media-failed':
    case 'permission-denied': {
      const url = error.url || t('error.signaling-failed.server');
      return (
        <>
          <p>{t(k(error.kind, 'body'), { url })}</p>
          <Steps>
            <li>{t(k(error.kind, 'step1'))}</li>
            <li>{t(k(error.kind, 'step2'))}</li>
            <li>{t(k(error.kind, 'step3'))}</li>
          </Steps>
          <div class="button-row">
            <RetryButton />
            {error.kind !== 'permission-denied' && <DoctorLink config={config} />}
          </div>
        </>
      );
    }
    case 'meeting-ended':
      return (
        <>
          {error.endedBy === 'moderator' && (
            <p data-testid="ended-by-moderator">{t('error.meeting-ended.byModerator')}</p>
          )}
          <p>{t('error.meeting-ended.body')}</p>
          <div class="button-row">
            <button type="button" class="button primary" data-testid="rejoin" onClick={() => location.reload()}>
              {t('error.meeting-ended.rejoin')}
            </button>
            <HomeButton />
          </div>
        </>
      );
    case 'lobby-denied':
      return (
        <>
          <p>{t('error.lobby-denied.body')}</p>
          <div class="button-row">
            <RetryButton />
            <HomeButton />
          </div>
        </>
      );
    case 'access-denied':
      return <AccessDenied reason={error.reason} />;
    case 'removed':
      return (
        <>
          <p>{t('error.removed.body')}</p>
          <div class="button-row">
            <a class="button primary" href="/" data-testid="home-button">
              {t('common.home')}
            </a>
          </div>
        </>
      );
  }
}

export function ErrorScreen({
  error,
  store,
  config,
}: {
  error: ConferenceError;
  store: ConferenceStore;
  config: ParleyConfig;
}) {
  return (
    <div class="screen center error-screen" data-testid={`error-${error.kind}`} role="alert">
      <div class="card wide">
        <div class="error-icon">
          <WarningIcon size={40} />
        </div>
        <h1>{t(k(error.kind, 'title'))}</h1>
        <Body error={error} store={store} config={config} />
        <details class="details" data-testid="error-details">
          <summary>{t('error.details')}</summary>
          <pre>
            {[`kind: ${error.kind}`, error.url && `url: ${error.url}`, error.detail].filter(Boolean).join('\n')}
          </pre>
        </details>
      </div>
    </div>
  );
}
