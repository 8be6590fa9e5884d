// A visually hidden live region (role=status, polite) that reads out joins, leaves, raised hands and
// chat messages (announce.ts) to screen readers.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConferenceState } from '../conference/types';
import { t } from '../i18n';
import { announcements, type AnnounceSnapshot } from './announce';

export function LiveAnnouncer({ state }: { state: ConferenceState }) {
  const prev = useRef<AnnounceSnapshot>({ participants: state.participants, chat: state.chat });
  const [text, setText] = useState('');
  useEffect(() => {
    const next = { participants: state.participants, chat: state.chat };
    const said = announcements(prev.current, next, t);
    prev.current = next;
    if (said.length) setText(said.join('. '));
  }, [state.participants, state.chat]);
  return (
    <div class="visually-hidden" role="status" aria-live="polite" data-testid="live-region">
      {text}
    </div>
  );
}
