// A lib-jitsi-meet-like client page (test-only; bundled by tests/browser/jitsi-client.test.ts, never
// part of Parley's client). It meets the focus and the bridge the way lib-jitsi-meet does, written from
// its behaviour (moderator.js, ChatRoom, strophe.jingle, JitsiConference.onIncomingCall,
// JingleSessionPC, TraceablePeerConnection, BridgeChannel; none of its code is used):
// - conference IQ to focus.<domain> until ready="true"; `focusjid` read from the answer;
// - MUC join with its presence (nick, audio/video muted, SourceInfo); a member is the focus when its
//   real JID (<item jid>) starts with `<focusjid>/`;
// - Jingle: a session-initiate whose sender's resource is not `focus` is P2P and declined
//   (session-terminate <decline/> "P2P disabled"); one from a resource `focus` that is not the focus
//   member is refused (<security-error/>); the focus's offer is answered with a session-accept whose
//   sources carry no <ssrc-info owner>;
// - remote sources in Unified Plan as remote-sdp.ts describes (freed m-lines rejected, never reused);
// - the bridge channel is a data channel it opens itself ("JVB data channel"), on which it sends
//   SourceVideoTypeMessage, ReceiverVideoConstraints (current shape) and EndpointStats.
// State for the test is on window.ljm.
import { jingleToXml, parseJingle, resourceOf, xml, answerToJingle, type Element, type Jingle } from '@parley/protocol';
import { XmppSocket, type IqReply } from './xmpp-socket.js';
import { offerFromJingle, sourceMap, updateRemoteSources, type RemoteSourceInfo } from './remote-sdp.js';

const JINGLE_NS = 'urn:xmpp:jingle:1';
const FOCUS_NS = 'http://jitsi.org/protocol/focus';
const MUC_NS = 'http://jabber.org/protocol/muc';
const MUC_USER_NS = 'http://jabber.org/protocol/muc#user';

const q = new URLSearchParams(location.search);
const cfg = {
  websocket: q.get('ws') ?? '',
  domain: q.get('domain') ?? '',
  focus: q.get('focus') ?? '',
  room: `${q.get('room')}@${q.get('muc')}`,
  nick: q.get('nick') ?? Math.random().toString(16).slice(2, 10).padEnd(8, '0'),
};

interface Member {
  jid?: string;
  isFocus: boolean;
}

/** What the test reads. */
const state = {
  phase: 'starting' as string,
  error: '',
  nick: cfg.nick,
  jid: '',
  focusJid: '',
  focusMucJid: '',
  members: {} as Record<string, Member>,
  refusals: [] as { from: string; reason: string; text: string }[],
  /** Failed source-add/source-remove renegotiations ("removeRemoteStream failed: ..."). */
  sourceErrors: [] as string[],
  appliedSourceChanges: [] as { action: string; sources: string[]; mids: string[] }[],
  sid: '',
  accepted: false,
  remoteSources: {} as Record<string, RemoteSourceInfo>,
  bridgeChannel: 'closed' as string,
  bridgeMessagesSent: [] as string[],
  bridgeMessagesReceived: [] as string[],
  log: [] as string[],
  /** The last XMPP frames in and out. */
  frames: [] as string[],
  /** The first offer and answer (for the failure report). */
  sdp: { offer: '', answer: '' },
};
(globalThis as unknown as { ljm: unknown }).ljm = Object.assign(state, {
  /** Inbound video per remote source: frame height and frames decoded (getStats). */
  inboundVideo,
  /** The m-lines of the remote description: mid, port, direction, ssrcs. */
  remoteMLines,
});

const log = (line: string) => {
  state.log.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
  console.log(`ljm: ${line}`);
};

const xmpp = new XmppSocket(cfg.websocket, cfg.domain);
xmpp.trace = (line) => state.frames.push(line.slice(0, 300));
let pc: RTCPeerConnection | undefined;
let localStream: MediaStream;
let channel: RTCDataChannel | undefined;
/** JingleSessionPC's modification queue: one renegotiation at a time. */
let queue: Promise<void> = Promise.resolve();
const ssrcOwner = new Map<number, { owner: string; name: string }>();

async function main(): Promise<void> {
  localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 180 } });
  state.jid = await xmpp.connect();
  xmpp.onStanza = onStanza;
  xmpp.handleIq(JINGLE_NS, 'jingle', onJingle);
  state.phase = 'conference-request';
  await requestConference();
  state.phase = 'joining';
  xmpp.send(
    xml(
      'presence',
      { to: `${cfg.room}/${cfg.nick}` },
      xml('x', { xmlns: MUC_NS }),
      xml('nick', { xmlns: 'http://jabber.org/protocol/nick' }, 'Ljm'),
      xml('audiomuted', {}, 'false'),
      xml('videomuted', {}, 'false'),
      xml(
        'SourceInfo',
        {},
        JSON.stringify({
          [`${cfg.nick}-a0`]: { muted: false },
          [`${cfg.nick}-v0`]: { muted: false, videoType: 'camera' },
        }),
      ),
    ),
  );
  state.phase = 'joined';
}

/** Moderator.createConferenceRequest: asked again while the focus answers ready="false". */
async function requestConference(): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await xmpp.request(
      xml(
        'iq',
        { type: 'set', to: cfg.focus },
        xml('conference', { xmlns: FOCUS_NS, room: cfg.room, 'machine-uid': 'ljm-test' }),
      ),
    );
    const c = res.getChild('conference', FOCUS_NS);
    if (c?.attrs.ready === 'true') {
      state.focusJid = String(c.attrs.focusjid ?? '');
      log(`conference ready, focusjid=${state.focusJid}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the focus never answered ready="true"');
}

function onStanza(p: Element): void {
  if (p.name !== 'presence') return;
  const from = String(p.attrs.from ?? '');
  if (!from.startsWith(`${cfg.room}/`)) return;
  if (p.attrs.type === 'unavailable' || p.attrs.type === 'error') {
    delete state.members[from];
    if (from === state.focusMucJid) state.focusMucJid = '';
    return;
  }
  const jid = p.getChild('x', MUC_USER_NS)?.getChild('item')?.attrs.jid as string | undefined;
  // Moderator.isFocusJid: the member's real JID starts with "<focusjid>/".
  const isFocus = !!jid && !!state.focusJid && jid.startsWith(`${state.focusJid}/`);
  state.members[from] = { jid, isFocus };
  if (isFocus) state.focusMucJid = from;
}

/** strophe.jingle: every Jingle is acknowledged first, then handled. */
function onJingle(iq: Element, el: Element): IqReply {
  const from = String(iq.attrs.from ?? '');
  const j = parseJingle(el);
  if (j.action === 'session-initiate') {
    setTimeout(() => void onIncomingCall(from, j).catch((err) => fail('session-initiate', err)), 0);
    return true;
  }
  if (!state.sid || j.sid !== state.sid) return { condition: 'item-not-found', text: 'unknown session' };
  if (j.action === 'source-add' || j.action === 'source-remove') {
    const isAdd = j.action === 'source-add';
    queue = queue.then(() => applySourceChange(j, isAdd));
  } else if (j.action === 'session-terminate') {
    log(`session-terminate: ${j.reason?.condition}`);
    state.sid = '';
  }
  return true;
}

/** JitsiConference.onIncomingCall (P2P disabled). */
async function onIncomingCall(from: string, j: Jingle): Promise<void> {
  if (resourceOf(from) !== 'focus') return refuse(from, j, 'decline', 'P2P disabled');
  if (!state.members[from]?.isFocus)
    return refuse(from, j, 'security-error', 'Rejecting session-initiate from non-focus.');
  state.sid = j.sid;
  for (const info of sourceMap(j).values()) remember(info);
  await accept(from, j);
}

async function refuse(to: string, offer: Jingle, reason: string, text: string): Promise<void> {
  state.refusals.push({ from: to, reason, text });
  log(`refused session-initiate from ${to}: ${reason} (${text})`);
  const terminate: Jingle = {
    action: 'session-terminate',
    sid: offer.sid,
    contents: [],
    reason: { condition: reason, text },
  };
  await xmpp.request(xml('iq', { type: 'set', to }, jingleToXml(terminate))).catch(() => {});
}

async function accept(focusOccupant: string, offer: Jingle): Promise<void> {
  pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', iceServers: [] });
  pc.addEventListener('track', onTrack);
  pc.addEventListener('connectionstatechange', () => log(`pc ${pc?.connectionState}`));
  pc.addEventListener('iceconnectionstatechange', () => log(`ice ${pc?.iceConnectionState}`));
  // BridgeChannel: lib-jitsi-meet opens the data channel itself.
  openBridgeChannel(pc.createDataChannel('JVB data channel', { protocol: 'http://jitsi.org/protocols/colibri' }));
  state.sdp.offer = offerFromJingle(offer);
  await pc.setRemoteDescription({ type: 'offer', sdp: state.sdp.offer });
  for (const track of localStream.getTracks()) {
    // The content's own m-line (the first of its kind) is the one we send on.
    const t = pc.getTransceivers().find((x) => x.receiver.track.kind === track.kind);
    if (!t) throw new Error(`the offer has no ${track.kind} m-line`);
    t.direction = 'sendrecv';
    await t.sender.replaceTrack(track);
    t.sender.setStreams(localStream);
  }
  await pc.setLocalDescription(await pc.createAnswer());
  const answer = answerToJingle(pc.localDescription!.sdp, {
    sid: offer.sid,
    endpointId: cfg.nick,
    responder: state.jid,
  });
  // Sources without <ssrc-info owner>: the focus knows who sent them.
  for (const c of answer.contents) for (const s of c.description?.sources ?? []) s.owner = '';
  state.sdp.answer = pc.localDescription?.sdp ?? '';
  await xmpp.request(xml('iq', { type: 'set', to: focusOccupant }, jingleToXml(answer)));
  state.accepted = true;
  state.phase = 'in-conference';
  log('session-accept taken');
}

async function applySourceChange(j: Jingle, isAdd: boolean): Promise<void> {
  const what = isAdd ? 'addRemoteStream' : 'removeRemoteStream';
  try {
    if (!pc?.remoteDescription) throw new Error(`${what} - received before remoteDescription is set`);
    const sources = sourceMap(j);
    if (isAdd) for (const info of sources.values()) remember(info);
    const next = updateRemoteSources(pc.remoteDescription.sdp, sources, isAdd);
    await pc.setRemoteDescription({ type: 'offer', sdp: next.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    if (!isAdd)
      for (const info of sources.values()) {
        delete state.remoteSources[info.name];
        document.querySelector(`video[data-source="${info.name}"]`)?.remove();
      }
    state.appliedSourceChanges.push({ action: j.action, sources: [...sources.keys()], mids: next.mids });
    log(`${what} OK (${[...sources.keys()].join(', ')}; mids ${next.mids.join(', ')})`);
    sendReceiverConstraints();
  } catch (err) {
    state.sourceErrors.push(`${what} failed: ${(err as Error).message}`);
    log(`${what} failed: ${(err as Error).message}`);
  }
}

function remember(info: RemoteSourceInfo): void {
  state.remoteSources[info.name] = info;
  for (const s of info.ssrcs) ssrcOwner.set(s, { owner: info.owner, name: info.name });
}

/** TraceablePeerConnection._remoteTrackAdded: the track's owner from the SSRC on its m-line. */
function onTrack(ev: RTCTrackEvent): void {
  if (ev.track.kind !== 'video') return;
  const section = remoteMLines().find((m) => m.mid === ev.transceiver.mid);
  const known = section?.ssrcs.map((s) => ssrcOwner.get(s)).find(Boolean);
  if (!known) return log(`track on mid ${ev.transceiver.mid} without a known SSRC`);
  document.querySelector(`video[data-source="${known.name}"]`)?.remove();
  const video = document.createElement('video');
  video.dataset.source = known.name;
  video.dataset.owner = known.owner;
  video.autoplay = true;
  video.muted = true;
  video.playsInline = true;
  video.width = 320;
  video.height = 180;
  video.srcObject = new MediaStream([ev.track]);
  document.body.append(video);
  log(`remote video ${known.name} (owner ${known.owner}) on mid ${ev.transceiver.mid}`);
}

function openBridgeChannel(dc: RTCDataChannel): void {
  channel = dc;
  dc.onopen = () => {
    state.bridgeChannel = 'open';
    send({ colibriClass: 'SourceVideoTypeMessage', sourceName: `${cfg.nick}-v0`, videoType: 'camera' });
    sendReceiverConstraints();
    const stats = setInterval(() => {
      if (dc.readyState !== 'open') return clearInterval(stats);
      send({ colibriClass: 'EndpointStats', bitrate: { upload: 0, download: 0 }, connectionQuality: 100, jvbRTT: 1 });
    }, 1000);
  };
  dc.onclose = () => {
    state.bridgeChannel = 'closed';
  };
  dc.onmessage = (ev) => {
    try {
      state.bridgeMessagesReceived.push(String(JSON.parse(String(ev.data)).colibriClass));
    } catch {
      state.bridgeMessagesReceived.push('unparsable');
    }
  };
}

/** ReceiverVideoConstraints in its current shape (source names, not endpoints). */
function sendReceiverConstraints(): void {
  const names = Object.values(state.remoteSources)
    .filter((s) => s.media === 'video')
    .map((s) => s.name);
  send({
    colibriClass: 'ReceiverVideoConstraints',
    lastN: -1,
    onStageSources: [],
    selectedSources: [],
    defaultConstraints: { maxHeight: 180 },
    constraints: Object.fromEntries(names.map((n) => [n, { maxHeight: 180 }])),
  });
}

function send(m: { colibriClass: string } & Record<string, unknown>): void {
  if (channel?.readyState !== 'open') return;
  channel.send(JSON.stringify(m));
  state.bridgeMessagesSent.push(m.colibriClass);
}

function remoteMLines(): { mid: string; port: number; direction: string; ssrcs: number[] }[] {
  const sdp = pc?.remoteDescription?.sdp ?? '';
  return sdp
    .split(/\r?\nm=/)
    .slice(1)
    .map((text) => {
      const port = Number(text.split(' ')[1]);
      const mid = /a=mid:(\S+)/.exec(text)?.[1] ?? '';
      const direction = /a=(sendrecv|sendonly|recvonly|inactive)/.exec(text)?.[1] ?? '';
      const ssrcs = [...new Set([...text.matchAll(/a=ssrc:(\d+) /g)].map((m) => Number(m[1])))];
      return { mid, port, direction, ssrcs };
    });
}

async function inboundVideo(): Promise<{ mid: string; ssrc: number; frameHeight: number; framesDecoded: number }[]> {
  const out: { mid: string; ssrc: number; frameHeight: number; framesDecoded: number }[] = [];
  (await pc?.getStats())?.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video')
      out.push({ mid: s.mid, ssrc: s.ssrc, frameHeight: s.frameHeight ?? 0, framesDecoded: s.framesDecoded ?? 0 });
  });
  return out;
}

function fail(what: string, err: unknown): void {
  state.error = `${what}: ${(err as Error).message ?? err}`;
  log(state.error);
}

main().catch((err) => {
  state.phase = 'failed';
  fail('start', err);
});
