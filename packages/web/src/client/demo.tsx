// The UI on a fake store, with no server: for UI work and screenshots. Bundled only by
// `node packages/web/build-client.mjs --demo` into dist/demo/ (never part of the served app):
// serve dist/demo and open /index.html?room=team-meeting&... (see ui/fake-store.ts for the parameters).
import { render } from 'preact';
import { MeetingApp } from './ui/App';
import { createFakeStore } from './ui/fake-store';
import { pickLanguage, setLanguage } from './i18n';

const params = new URLSearchParams(location.search);
setLanguage(pickLanguage(params.get('lang'), navigator.languages ?? [navigator.language]));
const root = document.getElementById('app');
if (!root) throw new Error('#app is missing');
const config = {
  domain: 'demo.invalid',
  mucDomain: 'conference.demo.invalid',
  focusJid: 'focus.demo.invalid',
  websocketUrl: '/xmpp-websocket',
  boshUrl: '/http-bind',
  doctorUrl: '/doctor',
  language: null,
};
render(<MeetingApp store={createFakeStore(params.get('room') ?? 'team-meeting', params)} config={config} />, root);
