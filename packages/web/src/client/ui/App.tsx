// The meeting page: renders the screen for the store's phase.
import { useEffect } from 'preact/hooks';
import type { ConferenceStore, ParleyConfig } from '../conference/types';
import { t } from '../i18n';
import { useConferenceState } from './hooks';
import { Prejoin } from './Prejoin';
import { Meeting } from './Meeting';
import { ErrorScreen } from './ErrorScreen';
import { Joining, Left } from './Screens';
import { LobbyScreen } from './LobbyScreen';
import { WaitingForHost } from './WaitingForHost';

export function MeetingApp({ store, config }: { store: ConferenceStore; config: ParleyConfig }) {
  const state = useConferenceState(store);

  useEffect(() => {
    document.title = state.room ? `${state.room} | ${t('app.name')}` : t('app.name');
  }, [state.room]);

  switch (state.phase) {
    case 'prejoin':
      return <Prejoin store={store} state={state} />;
    case 'joining':
      return <Joining room={state.room} />;
    case 'lobby':
      return <LobbyScreen store={store} state={state} />;
    case 'waiting-for-host':
      return <WaitingForHost store={store} state={state} />;
    case 'in-meeting':
      return <Meeting store={store} state={state} />;
    case 'left':
      return <Left />;
    case 'error':
      return <ErrorScreen error={state.error ?? { kind: 'signaling-failed' }} store={store} config={config} />;
  }
}
