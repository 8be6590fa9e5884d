// Entry point: reads window.PARLEY_CONFIG, picks the language, routes by path: "/" home, "/doctor"
// the connection check (config.doctorUrl), "/<room>" meeting.
import { render } from 'preact';
import type { ConferenceStore, ParleyConfig } from './conference/types';
import { createConferenceStore } from './conference/store';
import { pickLanguage, setLanguage } from './i18n';
import { Home } from './ui/Home';
import { MeetingApp } from './ui/App';
import { roomFromPath } from './ui/room-name';
import { DoctorPage } from './doctor/DoctorPage';
import { startEmbedBridge } from './embed/bridge';

declare global {
  interface Window {
    PARLEY_CONFIG?: Partial<ParleyConfig>;
  }
}

function readConfig(): ParleyConfig {
  const c = window.PARLEY_CONFIG ?? {};
  const domain = c.domain ?? location.hostname;
  return {
    domain,
    mucDomain: c.mucDomain ?? `conference.${domain}`,
    focusJid: c.focusJid ?? `focus.${domain}`,
    websocketUrl: c.websocketUrl ?? '/xmpp-websocket',
    boshUrl: c.boshUrl ?? '/http-bind',
    doctorUrl: c.doctorUrl ?? '/doctor',
    language: c.language ?? null,
    // Without these the /doctor page never ran its TURN check (the meeting reads PARLEY_CONFIG itself).
    turn: c.turn === true,
    ...(c.iceTransportPolicy === 'relay' ? { iceTransportPolicy: 'relay' as const } : {}),
    ...(c.auth ? { auth: c.auth } : {}),
    ...(c.anonymousDomain ? { anonymousDomain: c.anonymousDomain } : {}),
    ...(Array.isArray(c.embedOrigins) ? { embedOrigins: c.embedOrigins } : {}),
  };
}

/** "/doctor" (reserved: never a meeting), or the path of config.doctorUrl. */
function isDoctorPath(pathname: string, doctorUrl: string): boolean {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/doctor') return true;
  try {
    return path === (new URL(doctorUrl, location.href).pathname.replace(/\/+$/, '') || '/') && path !== '/';
  } catch {
    return false;
  }
}

function main() {
  const config = readConfig();
  const params = new URLSearchParams(location.search);
  setLanguage(pickLanguage(params.get('lang') ?? config.language, navigator.languages ?? [navigator.language]));

  const root = document.getElementById('app');
  if (!root) throw new Error('#app is missing from index.html');

  if (isDoctorPath(location.pathname, config.doctorUrl)) {
    render(<DoctorPage config={config} />, root);
    return;
  }
  const room = roomFromPath(location.pathname);
  if (!room) {
    render(<Home />, root);
    return;
  }
  // The fake store (UI development, screenshots) is not in this bundle: build-client.mjs --demo.
  const store: ConferenceStore = createConferenceStore(config, room);
  render(<MeetingApp store={store} config={config} />, root);
  startEmbedBridge(store, config);
}

main();
