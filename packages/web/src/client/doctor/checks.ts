// The /doctor page's checks, in the browser: secure context, camera and microphone, XMPP over
// WebSocket, BOSH, and a real ICE/DTLS connection to the bridge over UDP only, TCP only and TURN
// only (a throwaway room, the focus's offer, an answer without local tracks). Independent of the
// conference store: it reuses xmpp-connection.ts and @parley/protocol's codecs.
import {
  RemoteDescription,
  answerToJingle,
  bareJid,
  conferenceRequestToXml,
  jingleToXml,
  mucJoinPresence,
  newEndpointId,
  occupantJid,
  parseConferenceReady,
  parseJingle,
  participantPresenceChildren,
  xml,
  type Element,
  type Jingle,
  JINGLE_NS,
} from '@parley/protocol';
import type { ParleyConfig } from '../conference/types';
import { createXmppConnection, type XmppConnection } from '../conference/xmpp-connection';
import { fetchTurnIceServers } from '../conference/turn-services';
import { deviceErrorKind, resolveServiceUrl } from '../conference/errors';
import {
  boshCreateBody,
  boshSid,
  describeSelectedPair,
  doctorRoomName,
  errorText,
  keepCandidates,
  type CandidateFilter,
  type CheckDef,
  type CheckOutcome,
} from './runner';

/** How long the media checks wait for pc.connectionState 'connected' after session-accept. */
export const MEDIA_WAIT_MS = 10_000;
const CONNECT_MS = 10_000;
const FOCUS_MS = 15_000;

function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    }),
  ]);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function websocketUrl(config: ParleyConfig): string {
  return resolveServiceUrl(config.websocketUrl, location, 'websocket');
}

export function boshUrl(config: ParleyConfig): string {
  return resolveServiceUrl(config.boshUrl, location, 'http');
}

/** The https:// address of this page (what to open instead of http://). */
export function httpsAddress(): string {
  return `https://${location.host}${location.pathname}`;
}

// 1. -------------------------------------------------------------------------------------------------
async function secureContext(): Promise<CheckOutcome> {
  if (window.isSecureContext) return { status: 'ok', detail: location.origin };
  return {
    status: 'fail',
    reason: 'insecure',
    vars: { origin: location.origin, https: httpsAddress(), ca: `https://${location.host}/ca.pem` },
    detail: `window.isSecureContext is false for ${location.origin}`,
  };
}

// 2. -------------------------------------------------------------------------------------------------
async function devices(): Promise<CheckOutcome> {
  const md = navigator.mediaDevices as MediaDevices | undefined;
  if (!md?.getUserMedia)
    return { status: 'fail', reason: 'insecure', detail: 'navigator.mediaDevices is not available on this page' };
  let stream: MediaStream;
  try {
    stream = await md.getUserMedia({ audio: true, video: true });
  } catch (err) {
    const kind = deviceErrorKind(err);
    return {
      status: 'fail',
      reason: kind === 'permission-denied' ? 'denied' : 'none',
      detail: `getUserMedia: ${errorText(err)}`,
    };
  }
  const tracks = stream.getTracks();
  tracks.forEach((t) => t.stop());
  const names = tracks.map((t) => t.label || t.kind).join(', ');
  return {
    status: 'ok',
    vars: { devices: names },
    detail: tracks.map((t) => `${t.kind}: ${t.label || '(no label)'}`).join('; '),
  };
}

// 3. -------------------------------------------------------------------------------------------------
function xmppConnection(config: ParleyConfig, onStanza: (el: Element) => void = () => {}): XmppConnection {
  return createXmppConnection(
    { service: websocketUrl(config), domain: config.anonymousDomain ?? config.domain },
    {
      stanza: onStanza,
      online: () => {},
      resumed: () => {},
      disconnected: () => {},
    },
  );
}

async function websocket(config: ParleyConfig): Promise<CheckOutcome> {
  const url = websocketUrl(config);
  const x = xmppConnection(config);
  try {
    const jid = await timeout(x.start(), CONNECT_MS, `XMPP over ${url}`);
    return { status: 'ok', vars: { url }, detail: `anonymous login as ${jid}` };
  } catch (err) {
    return { status: 'fail', reason: 'unreachable', vars: { url }, detail: `${url}: ${errorText(err)}` };
  } finally {
    await timeout(x.stop(), 3000, 'disconnect').catch(() => {});
  }
}

// 4. -------------------------------------------------------------------------------------------------
async function bosh(config: ParleyConfig): Promise<CheckOutcome> {
  const url = boshUrl(config);
  const rid = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  const headers = { 'Content-Type': 'text/xml; charset=utf-8' };
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), CONNECT_MS);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: boshCreateBody(config.anonymousDomain ?? config.domain, rid),
      cache: 'no-store',
      signal: ctl.signal,
    });
    const text = await res.text();
    const sid = boshSid(text);
    if (!res.ok || !sid)
      return {
        status: 'fail',
        reason: 'unreachable',
        vars: { url },
        detail: `POST ${url}: HTTP ${res.status}${sid ? '' : ', no <body sid>'}: ${text.slice(0, 200)}`,
      };
    // End the session we opened (best effort).
    void fetch(url, {
      method: 'POST',
      headers,
      body: `<body rid="${rid + 1}" sid="${sid}" type="terminate" xmlns="http://jabber.org/protocol/httpbind"/>`,
    }).catch(() => {});
    return { status: 'ok', vars: { url }, detail: `POST ${url}: HTTP ${res.status}, sid ${sid}` };
  } catch (err) {
    return {
      status: 'fail',
      reason: 'unreachable',
      vars: { url },
      detail: `POST ${url}: ${ctl.signal.aborted ? `no answer within ${CONNECT_MS / 1000} s` : errorText(err)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

// 5.-7. ----------------------------------------------------------------------------------------------
interface TurnIce {
  iceServers: RTCIceServer[];
  ports: number[];
}

/** TURN servers from Prosody over the doctor's XMPP session (XEP-0215), and their ports. */
async function turnCredentials(x: XmppConnection, domain: string): Promise<TurnIce> {
  const iceServers = await fetchTurnIceServers((el, ms) => x.request(el, ms), domain);
  if (iceServers.length === 0) throw new Error(`XEP-0215 services of ${domain}: no turn: or turns: service listed`);
  const ports = new Set<number>();
  for (const s of iceServers)
    for (const u of s.urls) {
      const m = /:(\d+)(\?|$)/.exec(u);
      if (m) ports.add(Number(m[1]));
    }
  return { iceServers, ports: [...ports] };
}

/**
 * A real media connection to the bridge: a throwaway room, the focus's session-initiate with only
 * the `keep` candidates, an answer without local tracks (recvonly, plus the data channel),
 * session-accept, then up to MEDIA_WAIT_MS for connectionState 'connected'. Leaves the room after.
 */
async function media(config: ParleyConfig, keep: CandidateFilter, withTurn = false): Promise<CheckOutcome> {
  const room = doctorRoomName();
  const roomJid = `${room}@${config.mucDomain}`;
  const endpointId = newEndpointId();
  const me = occupantJid(roomJid, endpointId);
  let onInitiate: (j: Jingle) => void = () => {};
  let onRefused: (why: string) => void = () => {};
  const initiated = new Promise<Jingle>((resolve, reject) => {
    onInitiate = resolve;
    onRefused = (why) => reject(new Error(why));
  });
  initiated.catch(() => {});
  const x = xmppConnection(config, (el) => {
    if (el.name === 'presence' && el.attrs.type === 'error' && el.attrs.from === me) {
      onRefused(`the room ${roomJid} refused us: ${el.getChild('error')?.getChildElements()[0]?.name ?? 'error'}`);
    }
  });
  const focusJids = new Set([config.focusJid]);
  x.onIqSet(JINGLE_NS, 'jingle', async (iq, payload) => {
    let from = '';
    try {
      from = bareJid(String(iq.attrs.from ?? ''));
    } catch {
      /* not a JID */
    }
    // The focus's Jingle comes through the room, from its occupant `focus` (older foci: from the component).
    if (!focusJids.has(from) && iq.attrs.from !== `${roomJid}/focus`) return false;
    let j: Jingle;
    try {
      j = parseJingle(payload);
    } catch (err) {
      return { error: 'bad-request', text: errorText(err) };
    }
    if (j.action === 'session-initiate') onInitiate(j);
    return true; // source-add / source-remove / terminate: nothing to do for a test session
  });
  const signalingFail = (err: unknown, portsOf?: number[]): CheckOutcome => ({
    status: 'fail',
    reason: 'signaling',
    vars: { port: (portsOf ?? []).join(', ') },
    detail: errorText(err),
  });
  let pc: RTCPeerConnection | undefined;
  let sid: string | undefined;
  let joined = false;
  try {
    let myJid: string;
    try {
      myJid = await timeout(x.start(), CONNECT_MS, `XMPP over ${websocketUrl(config)}`);
      // The conference request: the focus answers ready (or not yet: ask again, bounded).
      const deadline = Date.now() + FOCUS_MS;
      for (;;) {
        const res = await x.request(
          xml('iq', { type: 'set', to: config.focusJid }, conferenceRequestToXml({ room: roomJid, properties: {} })),
          Math.max(1, deadline - Date.now()),
        );
        let ready = true;
        try {
          const r = parseConferenceReady(res);
          focusJids.add(bareJid(r.focusJid));
          ready = r.ready;
        } catch {
          /* an empty result: ready */
        }
        if (ready) break;
        if (Date.now() + 1000 >= deadline)
          throw new Error(`the focus ${config.focusJid} did not get the conference ready within ${FOCUS_MS / 1000} s`);
        await sleep(1000);
      }
      x.send(
        mucJoinPresence(me, {
          maxHistory: 0,
          children: participantPresenceChildren({ nick: 'Parley doctor', audioMuted: true, videoMuted: true }),
        }),
      );
      joined = true;
    } catch (err) {
      return signalingFail(err);
    }
    let turn: TurnIce | undefined;
    if (withTurn) {
      try {
        turn = await turnCredentials(x, config.domain);
      } catch (err) {
        return { status: 'fail', reason: 'credentials', detail: errorText(err) };
      }
    }
    let offer: Jingle;
    try {
      offer = await timeout(initiated, FOCUS_MS, `session-initiate from the focus ${config.focusJid}`);
    } catch (err) {
      return signalingFail(err);
    }
    sid = offer.sid;
    const full = RemoteDescription.fromJingle(offer).toSdp();
    const filtered = keepCandidates(full, keep);
    const port = (turn ? turn.ports : filtered.ports).join(', ');
    if (filtered.kept === 0) {
      return {
        status: 'fail',
        reason: 'no-candidates',
        vars: { port },
        detail: `the offer has no ${keep.toUpperCase()} candidate (${keepCandidates(full, 'all').kept} in all)`,
      };
    }
    pc = new RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
      iceServers: turn?.iceServers ?? [],
      iceTransportPolicy: turn ? 'relay' : 'all',
    });
    const connected = new Promise<void>((resolve, reject) => {
      const p = pc!;
      p.addEventListener('connectionstatechange', () => {
        if (p.connectionState === 'connected') resolve();
        if (p.connectionState === 'failed') reject(new Error(`connectionState failed (ICE ${p.iceConnectionState})`));
      });
    });
    connected.catch(() => {});
    let answer: Jingle;
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: filtered.sdp });
      for (const t of pc.getTransceivers()) t.direction = 'recvonly';
      pc.createDataChannel('bridge');
      await pc.setLocalDescription(await pc.createAnswer());
      answer = answerToJingle(pc.localDescription!.sdp, { sid, endpointId, responder: myJid });
      await x.request(xml('iq', { type: 'set', to: config.focusJid }, jingleToXml(answer)), 10_000);
    } catch (err) {
      return signalingFail(new Error(`answering the offer: ${errorText(err)}`));
    }
    const started = Date.now();
    try {
      await timeout(connected, MEDIA_WAIT_MS, 'connectionState connected');
    } catch (err) {
      return {
        status: 'fail',
        reason: 'blocked',
        vars: { seconds: MEDIA_WAIT_MS / 1000, port },
        detail: `${errorText(err)}; connectionState ${pc.connectionState}, ICE ${pc.iceConnectionState}; offered ${keep} candidates on port ${filtered.ports.join(', ')}`,
      };
    }
    const ms = Date.now() - started;
    let pair: string | undefined;
    for (let i = 0; i < 10 && !pair; i++) {
      const report = await pc.getStats();
      pair = describeSelectedPair([...report.values()] as Record<string, unknown>[]);
      if (!pair) await sleep(100);
    }
    pair ??= 'connected (no selected candidate pair in getStats)';
    const via = turn ? `; TURN servers: ${turn.iceServers.flatMap((s) => s.urls).join(' ')}` : '';
    return { status: 'ok', vars: { pair }, detail: `${pair}; connected ${ms} ms after session-accept${via}` };
  } finally {
    // Leave: session-terminate, MUC unavailable, disconnect (each bounded, best effort).
    if (sid) {
      await x
        .request(
          xml(
            'iq',
            { type: 'set', to: config.focusJid },
            jingleToXml({ action: 'session-terminate', sid, contents: [], reason: { condition: 'success' } }),
          ),
          2000,
        )
        .catch(() => {});
    }
    if (joined) x.send(xml('presence', { to: me, type: 'unavailable' }));
    try {
      pc?.close();
    } catch {
      /* closed */
    }
    await sleep(50);
    await timeout(x.stop(), 3000, 'disconnect').catch(() => {});
  }
}

async function turnCheck(config: ParleyConfig): Promise<CheckOutcome> {
  if (!config.turn) return { status: 'skipped', reason: 'off' };
  return media(config, 'all', true);
}

/** The seven checks of the page, in order. */
export function doctorChecks(config: ParleyConfig): CheckDef[] {
  return [
    { id: 'secure-context', run: secureContext },
    { id: 'devices', run: devices },
    { id: 'websocket', run: () => websocket(config) },
    { id: 'bosh', run: () => bosh(config) },
    { id: 'media-udp', needs: ['websocket'], run: () => media(config, 'udp') },
    { id: 'media-tcp', needs: ['websocket'], run: () => media(config, 'tcp') },
    // Without TURN the check says so, whatever else failed.
    { id: 'turn', needs: config.turn ? ['websocket'] : [], run: () => turnCheck(config) },
  ];
}
