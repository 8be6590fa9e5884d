// A scripted client that follows lib-jitsi-meet's rules at the signaling level (read in its
// strophe.jingle, JitsiConference, ChatRoom and Moderator modules; none of its code is used):
// - the conference IQ to the focus component; `focusjid` read from the answer;
// - the MUC room joined with an 8-hex nick; members tracked by occupant JID with their real JID;
//   a member is the focus when its real JID starts with `<focusjid>/`;
// - Jingle: every request is acked first; a session-initiate whose sender's resource is not
//   `focus` is P2P, declined (session-terminate <decline/> "P2P disabled", P2P being off); one from
//   a resource `focus` that is not the focus member is refused (session-terminate <security-error/>);
//   other actions for an unknown session, or from another JID than the session's, get item-not-found
//   + <unknown-session/>;
// - the answer carries our sources without <ssrc-info owner>, simulcast as SIM + FID groups;
// - remote sources live on m-lines found by their first ssrc; source-remove frees the m-line
//   (port 0 / inactive), and a source it cannot find is an error; a source named in the offer
//   itself sits on its content's own m-line (the one we send on, for audio the BUNDLE tag), so
//   freeing it fails as in Chrome ("The m= section with mid='2' should be rejected");
// - mute requests are obeyed only from the focus's occupant JID ("Ignored mute from non focus peer").
import { client, xml as xmppXml } from '@xmpp/client';
import {
  jingleToXml,
  newEndpointId,
  parseJingle,
  resourceOf,
  xml,
  type Element,
  type IceTransport,
  type Jingle,
  type Source,
  type SourceGroup,
} from '@parley/protocol';
import { TestParticipant, withTimeout, type OwnSources, type Target } from './harness.js';

const JINGLE_NS = 'urn:xmpp:jingle:1';
const FOCUS_NS = 'http://jitsi.org/protocol/focus';
const MUC_NS = 'http://jabber.org/protocol/muc';
const MUC_USER_NS = 'http://jabber.org/protocol/muc#user';
const STANZAS_NS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/** ChatRoom's view of an occupant. */
export interface Member {
  /** The occupant's real JID from <item jid>, when the room shows it. */
  jid?: string;
  isFocus: boolean;
  role?: string;
}

/** A receiving m-line, one per remote source (unified plan), found by its first ssrc. */
export interface RemoteMLine {
  media: 'audio' | 'video';
  sourceName: string;
  ssrcs: number[];
  groups: SourceGroup[];
  /** recvonly while the source is there; inactive (port 0) once removed. */
  direction: 'recvonly' | 'inactive';
  /** The content's own m-line (the offer's first source of that content), which we also send on. */
  contentLine?: boolean;
}

/** A Jingle we refused, and how. */
export interface Refusal {
  from: string;
  action: string;
  reason: string;
  text: string;
}

type XmppClient = ReturnType<typeof client>;

export class LjmClient {
  readonly nick = newEndpointId();
  /** ChatRoom.members: keyed by occupant JID. */
  readonly members = new Map<string, Member>();
  readonly mLines: RemoteMLine[] = [];
  readonly refusals: Refusal[] = [];
  /** Every Jingle IQ received, accepted or not, with its sender. */
  readonly received: { from: string; jingle: Jingle }[] = [];
  /** Errors in applying the focus's source changes (lib-jitsi-meet would fail the renegotiation). */
  readonly sourceErrors: string[] = [];
  readonly mutes: { from: string; obeyed: boolean }[] = [];
  audioMuted = false;
  focusJid = '';
  /** ChatRoom.focusMucJid: the occupant JID of the member that is the focus. */
  focusMucJid?: string;
  room = '';
  jid = '';
  session?: { sid: string; remoteJid: string };
  /** The focus took our session-accept. */
  accepted = false;
  readonly own: OwnSources;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly target: Target,
    readonly xmpp: XmppClient,
  ) {
    const base = TestParticipant.sources(this.nick, 3_000_000_000 + Math.floor(Math.random() * 1e6) * 100);
    // lib-jitsi-meet announces its sources without owners: the focus knows who sent them.
    const unowned = (s: Source) => ({ ...s, owner: '' });
    this.own = { ...base, audio: base.audio.map(unowned), video: base.video.map(unowned) };
  }

  static async connect(target: Target, resource?: string): Promise<LjmClient> {
    const xmpp = client({ service: `xmpp://127.0.0.1:${target.c2sPort}`, domain: target.domain, resource });
    xmpp.on('error', () => {});
    const self = new LjmClient(target, xmpp);
    xmpp.iqCallee.set(JINGLE_NS, 'jingle', (ctx: { stanza: Element; element: Element }) =>
      self.onJingle(ctx.stanza, ctx.element),
    );
    xmpp.iqCallee.set('http://jitsi.org/jitmeet/audio', 'mute', (ctx: { stanza: Element; element: Element }) =>
      self.onMute(ctx.stanza, ctx.element),
    );
    xmpp.on('stanza', (s: Element) => {
      if (s.name === 'presence') self.onPresence(s);
      self.wake();
    });
    self.jid = String(await withTimeout(xmpp.start(), 10_000, 'xmpp client start'));
    return self;
  }

  /** Moderator.createConferenceRequest + parseConfigOptions: reads focusjid from the answer. */
  async requestConference(room: string): Promise<void> {
    this.room = `${room}@${this.target.mucDomain}`;
    const res = (await this.xmpp.iqCaller.request(
      xml('iq', { type: 'set', to: this.target.focusJid }, xml('conference', { xmlns: FOCUS_NS, room: this.room })),
      10_000,
    )) as Element;
    const conference = res.getChild('conference', FOCUS_NS);
    if (conference?.attrs.ready !== 'true') throw new Error(`conference not ready: ${res.toString()}`);
    this.focusJid = String(conference.attrs.focusjid ?? '');
  }

  async join(room: string): Promise<void> {
    await this.requestConference(room);
    this.xmpp.send(xml('presence', { to: this.occupant(this.nick) }, xml('x', { xmlns: MUC_NS })));
    await this.waitFor('own MUC presence', () => this.members.has(this.occupant(this.nick)));
  }

  /** ChatRoom.discoRoomInfo: the room's meeting id and creation time from its disco#info form. */
  async discoRoomInfo(): Promise<{ meetingId?: string; createdTimestamp?: string }> {
    const res = (await this.xmpp.iqCaller.request(
      xml('iq', { type: 'get', to: this.room }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })),
      10_000,
    )) as Element;
    const form = res
      .getChild('query', 'http://jabber.org/protocol/disco#info')
      ?.getChildren('x', 'jabber:x:data')
      .find((x) => x.attrs.type === 'result');
    const field = (v: string) =>
      form
        ?.getChildren('field')
        .find((f) => f.attrs.var === v)
        ?.getChildText('value') ?? undefined;
    return { meetingId: field('muc#roominfo_meetingId'), createdTimestamp: field('muc#roominfo_created_timestamp') };
  }

  occupant(nick: string): string {
    return `${this.room}/${nick}`;
  }

  /** ChatRoom.isFocus(mucJid): the member's flag, undefined for a non-member. */
  isFocus(mucJid: string): boolean | undefined {
    return this.members.get(mucJid)?.isFocus;
  }

  private onPresence(p: Element): void {
    const from = String(p.attrs.from ?? '');
    if (!from.startsWith(`${this.room}/`)) return;
    if (p.attrs.type === 'unavailable' || p.attrs.type === 'error') {
      this.members.delete(from);
      if (from === this.focusMucJid) this.focusMucJid = undefined;
      return;
    }
    const item = p.getChild('x', MUC_USER_NS)?.getChild('item');
    const jid = item?.attrs.jid ? String(item.attrs.jid) : undefined;
    const isFocus = !!jid && !!this.focusJid && jid.startsWith(`${this.focusJid}/`);
    this.members.set(from, { jid, isFocus, role: item?.attrs.role });
    if (isFocus) this.focusMucJid = from;
  }

  private onJingle(iq: Element, el: Element): Element | true {
    const from = String(iq.attrs.from ?? '');
    const jingle = parseJingle(el);
    this.received.push({ from, jingle });
    const s = this.session;
    if (jingle.action !== 'session-initiate') {
      if (!s || s.sid !== jingle.sid || s.remoteJid !== from) return unknownSession();
      void this.afterAck(() => this.applyFromFocus(jingle));
      return true;
    }
    if (s && s.sid === jingle.sid) return stanzaError('service-unavailable');
    // Acked first, then decided (strophe.jingle -> JitsiConference.onIncomingCall).
    if (resourceOf(from) !== 'focus') {
      void this.afterAck(() => this.refuse(from, jingle, 'decline', 'P2P disabled'));
    } else if (!this.isFocus(from)) {
      void this.afterAck(() =>
        this.refuse(from, jingle, 'security-error', 'Rejecting session-initiate from non-focus.'),
      );
    } else {
      this.session = { sid: jingle.sid, remoteJid: from };
      this.addRemote(jingle, true);
      void this.afterAck(() => this.accept(jingle));
    }
    return true;
  }

  private async afterAck(f: () => Promise<void> | void): Promise<void> {
    await new Promise((r) => setImmediate(r));
    try {
      await f();
    } catch (err) {
      this.sourceErrors.push((err as Error).message);
    }
    this.wake();
  }

  private async refuse(to: string, offer: Jingle, reason: string, text: string): Promise<void> {
    this.refusals.push({ from: to, action: offer.action, reason, text });
    const terminate: Jingle = {
      action: 'session-terminate',
      sid: offer.sid,
      contents: [],
      reason: { condition: reason, text },
    };
    await this.xmpp.iqCaller.request(xml('iq', { type: 'set', to }, jingleToXml(terminate)), 10_000).catch(() => {});
  }

  /** session-accept to the session's remote JID (room/focus): our transport and unowned sources. */
  private async accept(offer: Jingle): Promise<void> {
    const answer: Jingle = {
      action: 'session-accept',
      sid: offer.sid,
      responder: this.jid,
      bundle: offer.bundle,
      contents: offer.contents.map((c) => ({
        name: c.name,
        creator: c.creator,
        senders: c.senders,
        description: c.description && {
          ...c.description,
          sources: c.description.media === 'audio' ? this.own.audio : this.own.video,
          sourceGroups: c.description.media === 'audio' ? [] : this.own.videoGroups,
        },
        transport: { ...this.transport(), sctpPort: c.name === 'data' ? 5000 : undefined },
      })),
    };
    await this.xmpp.iqCaller.request(
      xml('iq', { type: 'set', to: this.session!.remoteJid }, jingleToXml(answer)),
      10_000,
    );
    this.accepted = true;
  }

  private applyFromFocus(j: Jingle): void {
    if (j.action === 'source-add') this.addRemote(j);
    else if (j.action === 'source-remove') this.removeRemote(j);
    else if (j.action === 'session-terminate') this.session = undefined;
  }

  /**
   * One m-line per remote source name, with the groups among its ssrcs. In the offer, the first
   * source of each content goes on that content's own m-line (SDP.fromJingle), the others on new ones.
   */
  private addRemote(j: Jingle, offer = false): void {
    for (const c of j.contents) {
      const d = c.description;
      if (!d || (d.media !== 'audio' && d.media !== 'video')) continue;
      const byName = new Map<string, number[]>();
      for (const s of d.sources) byName.set(s.name, [...(byName.get(s.name) ?? []), s.ssrc]);
      let first = offer;
      for (const [sourceName, ssrcs] of byName) {
        const groups = d.sourceGroups.filter((g) => g.ssrcs.every((x) => ssrcs.includes(x)));
        this.mLines.push({ media: d.media, sourceName, ssrcs, groups, direction: 'recvonly', contentLine: first });
        first = false;
      }
    }
  }

  /**
   * lib-jitsi-meet's source-remove: each removed source is looked up by its first ssrc (the group's
   * primary when grouped); its m-line is freed (port 0, inactive). A source it cannot find, or one
   * that frees only part of an m-line, fails the renegotiation.
   */
  private removeRemote(j: Jingle): void {
    for (const c of j.contents) {
      const d = c.description;
      if (!d) continue;
      const named = new Set(d.sources.map((s) => s.ssrc));
      const primaries = new Set(named);
      for (const g of d.sourceGroups) for (const x of g.ssrcs.slice(1)) primaries.delete(x);
      for (const first of primaries) {
        const line = this.mLines.find((l) => l.direction === 'recvonly' && l.ssrcs[0] === first);
        if (!line) throw new Error(`source-remove: no m-line has ${first} as its first ssrc`);
        if (line.contentLine)
          throw new Error(
            `source-remove of ${line.sourceName} rejects the ${line.media} content's own m-line, which we send on: ` +
              'Chrome refuses the offer ("The m= section with mid=\'2\' should be rejected")',
          );
        const missing = line.ssrcs.filter((x) => !named.has(x));
        if (missing.length) throw new Error(`source-remove leaves ssrcs ${missing.join(',')} on a freed m-line`);
        const lostGroups = line.groups.filter(
          (g) => !d.sourceGroups.some((h) => h.semantics === g.semantics && h.ssrcs.join() === g.ssrcs.join()),
        );
        if (lostGroups.length)
          throw new Error(`source-remove of ${first} does not name its ${lostGroups[0].semantics} group`);
        line.direction = 'inactive';
      }
    }
  }

  /** The ssrcs on m-lines still receiving. */
  receiving(): number[] {
    return this.mLines.filter((l) => l.direction === 'recvonly').flatMap((l) => l.ssrcs);
  }

  private onMute(iq: Element, el: Element): true {
    const from = String(iq.attrs.from ?? '');
    const obeyed = from === this.focusMucJid;
    this.mutes.push({ from, obeyed });
    if (obeyed && el.getText().trim() === 'true') this.audioMuted = true;
    this.wake();
    return true;
  }

  /** Our ICE/DTLS transport in the answer (no candidates: the bridge is ICE-lite and not used here). */
  transport(): IceTransport {
    return {
      ufrag: `lj${this.nick.slice(0, 4)}`,
      pwd: `ljmpassword${this.nick}0000`,
      rtcpMux: true,
      fingerprints: [
        {
          hash: 'sha-256',
          setup: 'active',
          value: '6A:1F:0C:77:9B:2E:41:D8:03:5C:AA:12:7E:90:4B:36:F1:08:C2:5D:E9:73:1A:6B:84:0F:D2:3E:57:C9:AD:10',
        },
      ],
      candidates: [],
    };
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  async waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`ljm client ${this.nick} timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async disconnect(): Promise<void> {
    await withTimeout(this.xmpp.stop(), 5000, 'xmpp client stop').catch(() => {});
  }
}

// Error replies are built with @xmpp/client's own xml(): its IQ callee recognises only its Element class.
function stanzaError(condition: string, ...extra: Element[]): Element {
  return xmppXml('error', { type: 'cancel' }, xmppXml(condition, { xmlns: STANZAS_NS }), ...extra) as Element;
}

function unknownSession(): Element {
  return stanzaError('item-not-found', xmppXml('unknown-session', { xmlns: 'urn:xmpp:jingle:errors:1' }) as Element);
}
