/**
 * window.PARLEY_CONFIG: what the web server tells the page (served as /config.js). The server
 * writes it and the client reads it, so it lives here, next to the other contracts between parts.
 */
export interface ParleyConfig {
  /** XMPP domain for anonymous guests, e.g. meet.parley.local */
  domain: string;
  /** MUC service, e.g. conference.meet.parley.local */
  mucDomain: string;
  /** The focus component, e.g. focus.meet.parley.local */
  focusJid: string;
  /** WebSocket URL; a path ("/xmpp-websocket") is resolved against the page's origin (wss:). */
  websocketUrl: string;
  /** BOSH URL, same rule; used when WebSocket fails. */
  boshUrl: string;
  /** Where the deployment's diagnosis page is ("/doctor"). */
  doctorUrl: string;
  /** Forced UI language ("en" | "zh-CN"); null: the browser's language picks. */
  language: string | null;
  /** TURN is on: the peer connection gets its iceServers from Prosody over XMPP (XEP-0215, short-lived). */
  turn?: boolean;
  /**
   * Access mode (issue 11). "login": guests connect anonymously to `anonymousDomain`, and the host logs
   * in on `domain` (SASL PLAIN over the same-origin WebSocket) to start the meeting. "token": the
   * invite link's ?jwt= goes to the focus with the conference request. Absent: "none".
   */
  auth?: 'none' | 'login' | 'token';
  /** Where anonymous guests log in; absent: `domain`. */
  anonymousDomain?: string;
  /** RTCPeerConnection iceTransportPolicy; 'relay' (TURN only) is for tests. Absent: 'all'. */
  iceTransportPolicy?: 'all' | 'relay';
  /**
   * Origins (https://intranet.example) whose pages may embed meetings with /external_api.js: the web
   * server lets them frame the app (CSP frame-ancestors) and the app takes API commands only from them.
   * Absent or empty: no embedding by other sites.
   */
  embedOrigins?: string[];
}

/** An origin as a browser writes it: scheme, host, optional port; nothing else. */
export const ORIGIN_PATTERN = /^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;
