// Side chat panel (full screen on phones): messages, a recipient selector for private messages, input.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConferenceActions, ConferenceState } from '../conference/types';
import { formatTime, t } from '../i18n';
import { displayNameOf } from './Tile';
import { CloseIcon, LockIcon, SendIcon } from './icons';

export function ChatPanel({ state, actions }: { state: ConferenceState; actions: ConferenceActions }) {
  const [text, setText] = useState('');
  const [to, setTo] = useState('');
  const listRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const remotes = Object.values(state.participants).filter((p) => !p.isLocal);

  // A recipient who left: fall back to everyone.
  useEffect(() => {
    if (to && !state.participants[to]) setTo('');
  }, [to, state.participants]);

  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [state.chat.length]);

  useEffect(() => {
    if (window.matchMedia('(min-width: 601px)').matches) inputRef.current?.focus();
  }, []);

  const send = () => {
    const body = text.trim();
    if (!body) return;
    actions.sendChat(body, to || undefined);
    setText('');
  };

  const nameOf = (id: string | undefined, fallback: string) =>
    id && state.participants[id] ? displayNameOf(state.participants[id]) : fallback;

  return (
    <aside class="panel chat-panel" data-testid="chat-panel" aria-label={t('chat.title')}>
      <header class="panel-header">
        <h2>{t('chat.title')}</h2>
        <button
          type="button"
          class="icon-button"
          aria-label={t('common.close')}
          onClick={() => actions.setChatOpen(false)}
        >
          <CloseIcon size={20} />
        </button>
      </header>
      <div class="chat-list" ref={listRef}>
        {state.chat.length === 0 && <p class="empty">{t('chat.empty')}</p>}
        {state.chat.map((m) => {
          const classes = ['chat-message'];
          if (m.mine) classes.push('mine');
          if (m.privateWith) classes.push('private');
          if (m.notice) classes.push('notice');
          return (
            <div key={m.id} class={classes.join(' ')} data-testid="chat-message" data-from={m.from}>
              <div class="chat-meta">
                <span class="chat-sender" data-testid="chat-sender">
                  {m.mine ? t('chat.me') : m.displayName.trim() || t('common.guest')}
                </span>
                <time dateTime={new Date(m.at).toISOString()}>{formatTime(m.at)}</time>
              </div>
              {m.privateWith && (
                <div class="chat-private" data-testid="chat-private">
                  <LockIcon size={12} />{' '}
                  {m.mine ? t('chat.privateTo', { name: nameOf(m.privateWith, m.privateWith) }) : t('chat.privateFrom')}
                </div>
              )}
              <div class="chat-text" data-testid="chat-text">
                {m.text}
              </div>
            </div>
          );
        })}
      </div>
      <div class="chat-compose">
        <label class="chat-to">
          <span>{t('chat.to')}</span>
          <select
            data-testid="chat-recipient"
            value={to}
            onChange={(e) => setTo((e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">{t('chat.everyone')}</option>
            {remotes.map((p) => (
              <option key={p.id} value={p.id}>
                {displayNameOf(p)} ({t('chat.private')})
              </option>
            ))}
          </select>
        </label>
        <div class="chat-input-row">
          <textarea
            ref={inputRef}
            data-testid="chat-input"
            rows={1}
            value={text}
            placeholder={to ? t('chat.privateTo', { name: nameOf(to, to) }) : t('chat.placeholder')}
            aria-label={t('chat.placeholder')}
            onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
                e.preventDefault();
                send();
              }
            }}
          />
          <button
            type="button"
            class="send-button"
            data-testid="chat-send"
            aria-label={t('chat.send')}
            onClick={send}
            disabled={!text.trim()}
          >
            <SendIcon size={20} />
          </button>
        </div>
      </div>
    </aside>
  );
}
