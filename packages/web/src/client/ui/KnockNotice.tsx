// A moderator's notice of knocks: a chime when someone new knocks, and a card naming who waits,
// with admit / deny for the first and a link to the full list in the participants panel.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConferenceActions, ConferenceState } from '../conference/types';
import { t } from '../i18n';

/** Two short rising tones through Web Audio (no sound file to ship). */
function chime(): void {
  const Ctx = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctx) return;
  try {
    const ctx = new Ctx();
    [660, 880].forEach((hz, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const at = ctx.currentTime + i * 0.18;
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.17);
    });
    setTimeout(() => void ctx.close().catch(() => undefined), 800);
  } catch {
    // no audio output: the card still shows
  }
}

export function KnockNotice({ state, actions }: { state: ConferenceState; actions: ConferenceActions }) {
  const knockers = state.roomAccess?.knockers ?? [];
  const seen = useRef(new Set<string>());
  const [chimes, setChimes] = useState(0);
  const local = state.localId ? state.participants[state.localId] : undefined;
  const moderator = !!local?.moderator;

  useEffect(() => {
    const fresh = knockers.filter((k) => !seen.current.has(k.id));
    for (const k of fresh) seen.current.add(k.id);
    if (fresh.length > 0 && moderator) {
      chime();
      setChimes((n) => n + 1);
    }
  }, [knockers, moderator]);

  if (!moderator || knockers.length === 0) return null;
  const first = knockers[0];
  const name = first.nick || t('common.guest');
  return (
    <div class="knock-notice" role="status" data-testid="knock-notice" data-chimes={chimes}>
      <p>
        {knockers.length === 1
          ? t('access.knocking', { name })
          : t('access.knockingMore', { name, n: knockers.length - 1 })}
      </p>
      <div class="button-row">
        <button
          type="button"
          class="small-button"
          data-testid="knock-notice-admit"
          onClick={() => actions.answerKnock(first.id, true)}
        >
          {t('access.admit')}
        </button>
        <button
          type="button"
          class="small-button danger"
          data-testid="knock-notice-deny"
          onClick={() => actions.answerKnock(first.id, false)}
        >
          {t('access.deny')}
        </button>
        {!state.participantsOpen && (
          <button type="button" class="small-button" onClick={() => actions.setParticipantsOpen(true)}>
            {t('access.showAll')}
          </button>
        )}
      </div>
    </div>
  );
}
