// Home page: start a meeting with a readable random name, or type the name of one to join.
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { generateRoomName, normalizeRoomName, roomPath } from './room-name';
import { CamIcon } from './icons';

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
      </div>
    </div>
  );
}
