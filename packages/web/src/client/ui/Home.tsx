// Home page: start a meeting with a readable random name, or type the name of one to join.
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { generateRoomName, normalizeRoomName, roomPath } from './room-name';
import { CamIcon } from './icons';
import { QrCode } from './QrCode';

export function Home() {
  const [suggested] = useState(generateRoomName);
  const [input, setInput] = useState('');

  const go = () => {
    const room = normalizeRoomName(input) || suggested;
    location.assign(roomPath(room) + location.search);
  };

  return (
    <div class="screen center home" data-testid="home">
      <div class="home-content">
        <div class="logo">
          <span class="logo-mark">
            <CamIcon size={28} />
          </span>
          <span>{t('app.name')}</span>
        </div>
        <p class="tagline">{t('home.tagline')}</p>
        <form
          class="home-form"
          onSubmit={(e) => {
            e.preventDefault();
            go();
          }}
        >
          <label class="visually-hidden" for="room-input">
            {t('home.roomLabel')}
          </label>
          <input
            id="room-input"
            type="text"
            data-testid="room-input"
            value={input}
            maxLength={100}
            autoComplete="off"
            // biome-ignore lint/a11y/noAutofocus: naming the room is the only thing this page is for
            autoFocus
            placeholder={t('home.roomPlaceholder', { name: suggested })}
            aria-label={t('home.roomLabel')}
            onInput={(e) => setInput((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" class="button primary" data-testid="start-meeting">
            {t('home.start')}
          </button>
        </form>
        <p class="muted hint">{t('home.hint')}</p>
        <details class="home-phone" data-testid="phone-help">
          <summary>{t('home.phoneTitle')}</summary>
          <div class="qr-pair">
            <figure>
              <QrCode text={`${location.origin}/`} label={t('home.phoneOpen')} testid="qr-home" />
              <figcaption>{t('home.phoneOpen')}</figcaption>
            </figure>
            <figure>
              <QrCode text={`${location.origin}/ca.pem`} label={t('home.phoneCa')} testid="qr-ca" />
              <figcaption>{t('home.phoneCa')}</figcaption>
            </figure>
          </div>
        </details>
      </div>
    </div>
  );
}
