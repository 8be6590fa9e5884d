// The production BridgeClient: finds bridges in the brewery MUC (their presence carries stats)
// and allocates endpoints on them with colibri2 IQs. A conference stays on the bridge chosen
// for its first endpoint (no cascading between bridges).
import {
  bareJid,
  conferenceModifyToXml,
  defaultAudioDescription,
  defaultVideoDescription,
  mucJoinPresence,
  parseBridgeStats,
  parseConferenceModified,
  parseParticipantPresence,
  resourceOf,
  xml,
  type Colibri2Endpoint,
  type Colibri2MediaSource,
  type ConferenceModify,
  type Element,
  type MediaType,
} from '@parley/protocol';
import type { Logger } from '@parley/service';
import { NoBridgeError, type BridgeClient, type ColibriSession, type EndpointAllocation } from './bridge-client.js';
import { breweryOccupantProblem, selectBridge, isUsable, statsProblem, type KnownBridge } from './brewery.js';
import { MEDIA_TYPES, type EndpointSources } from './sources.js';
import type { XmppLink } from './xmpp-link.js';

export interface Colibri2ClientOptions {
  link: XmppLink;
  /** jvbbrewery@internal.auth.<domain> */
  breweryRoom: string;
  /** The bridges' service account, `<user>@auth.<domain>`: the only real JID accepted as a bridge. */
  bridgeAccountJid: string;
  log: Logger;
  requestTimeoutMs?: number;
}

export class Colibri2BridgeClient implements BridgeClient {
  readonly bridges = new Map<string, KnownBridge>();
  private readonly nick = `focus-${Math.random().toString(16).slice(2, 10)}`;
  private readonly downListeners: ((bridgeId: string) => void)[] = [];

  constructor(private readonly opts: Colibri2ClientOptions) {
    opts.link.onStanza((s) => {
      if (s.name === 'presence' && bareJid(s.attrs.from ?? '') === opts.breweryRoom) this.onBreweryPresence(s);
    });
  }

  /** Joins the brewery; bridges already there answer with their presence. */
  start(): void {
    this.opts.link.send(mucJoinPresence(`${this.opts.breweryRoom}/${this.nick}`, { maxHistory: 0 }));
  }

  available(): number {
    return [...this.bridges.values()].filter(isUsable).length;
  }

  /** Called with the id of a bridge that left the brewery (its conferences lost their media). */
  onBridgeDown(listener: (bridgeId: string) => void): void {
    this.downListeners.push(listener);
  }

  private onBreweryPresence(s: Element): void {
    const id = resourceOf(s.attrs.from ?? '');
    if (!id || id === this.nick) return;
    try {
      const p = parseParticipantPresence(s);
      if (p.unavailable) {
        if (this.bridges.delete(id)) {
          this.opts.log.warn('bridge.left', { bridge: id });
          for (const l of this.downListeners) l(id);
        }
        return;
      }
      const statsEl = s.getChild('stats');
      if (!statsEl) return; // an occupant that is not a bridge
      const notBridge = breweryOccupantProblem(p.jid, this.opts.bridgeAccountJid);
      if (notBridge || !p.jid) {
        this.opts.log.warn('bridge.refused', { bridge: id, jid: p.jid, problem: notBridge ?? 'no real JID' });
        return;
      }
      const stats = parseBridgeStats(statsEl);
      const impossible = statsProblem(stats);
      if (impossible) {
        // Keep what we knew: one bad report neither adds a bridge nor drops a working one.
        this.opts.log.warn('bridge.refused', { bridge: id, jid: p.jid, problem: `impossible stats: ${impossible}` });
        return;
      }
      const known = this.bridges.has(id);
      this.bridges.set(id, { id, jid: p.jid, stats, lastSeen: Date.now() });
      if (!known) this.opts.log.info('bridge.joined', { bridge: id, jid: p.jid });
    } catch (err) {
      this.opts.log.warn('bridge.bad_presence', { bridge: id, error: err as Error });
    }
  }

  session(meetingId: string, roomJid: string): ColibriSession {
    let bridge: KnownBridge | undefined;
    let created = false;
    const client = this;
    const send = async (m: ConferenceModify) => {
      if (!bridge) throw new NoBridgeError();
      const iq = xml('iq', { type: 'set', to: bridge.jid }, conferenceModifyToXml(m));
      const answer = await client.opts.link.request(iq, client.opts.requestTimeoutMs ?? 10_000);
      return parseConferenceModified(answer);
    };
    return {
      meetingId,
      async allocate(endpointId, opts): Promise<EndpointAllocation> {
        bridge ??= selectBridge(client.bridges.values());
        if (!bridge) throw new NoBridgeError();
        const endpoint: Colibri2Endpoint = {
          id: endpointId,
          create: true,
          statsId: opts.statsId,
          media: MEDIA_TYPES.map((type) => {
            const d = type === 'audio' ? defaultAudioDescription() : defaultVideoDescription();
            return { type, payloadTypes: d.payloadTypes, headerExtensions: d.headerExtensions };
          }),
          transport: { sctp: {} },
          sources: toMediaSources(opts.sources),
          capabilities: ['source-names'],
        };
        const answer = await send({ meetingId, name: roomJid, create: !created, endpoints: [endpoint] });
        created = true;
        const ep = answer.endpoints.find((e) => e.id === endpointId);
        const ice = ep?.transport?.ice;
        if (!ice) throw new Error(`bridge ${bridge.id} answered without a transport for ${endpointId}`);
        return { bridgeId: bridge.id, transport: { ...ice, sctpPort: ice.sctpPort ?? ep?.transport?.sctp?.port } };
      },
      async update(endpointId, change) {
        const endpoint: Colibri2Endpoint = { id: endpointId };
        if (change.transport) endpoint.transport = { ice: change.transport };
        if (change.sources) endpoint.sources = toMediaSources(change.sources);
        await send({ meetingId, endpoints: [endpoint] });
      },
      async restartIce(endpointId) {
        const answer = await send({ meetingId, endpoints: [{ id: endpointId, transport: { iceRestart: true } }] });
        const ep = answer.endpoints.find((e) => e.id === endpointId);
        const ice = ep?.transport?.ice;
        if (!ice) throw new Error(`bridge ${bridge?.id} answered an ICE restart without a transport for ${endpointId}`);
        return { ...ice, sctpPort: ice.sctpPort ?? ep?.transport?.sctp?.port };
      },
      async expireEndpoint(endpointId) {
        await send({ meetingId, endpoints: [{ id: endpointId, expire: true }] });
      },
      async recording(request) {
        if (!created) throw new NoBridgeError('the conference has no media on a bridge yet');
        const answer = await send({ meetingId, endpoints: [], recording: request });
        if (!answer.recording) throw new Error(`bridge ${bridge?.id} answered a recording request without a status`);
        return answer.recording;
      },
      async expire() {
        if (!created || !bridge || !client.bridges.has(bridge.id)) return;
        await send({ meetingId, expire: true, endpoints: [] });
      },
    };
  }

  async expireMeeting(meetingId: string): Promise<void> {
    const bridges = [...this.bridges.values()];
    const answers = await Promise.allSettled(
      bridges.map((b) =>
        this.opts.link.request(
          xml('iq', { type: 'set', to: b.jid }, conferenceModifyToXml({ meetingId, expire: true, endpoints: [] })),
          this.opts.requestTimeoutMs ?? 10_000,
        ),
      ),
    );
    const failed = answers.flatMap((a, i) => (a.status === 'rejected' ? [`${bridges[i].id}: ${a.reason}`] : []));
    if (failed.length) throw new Error(`expiring meeting ${meetingId} failed on ${failed.join('; ')}`);
  }

  async close(): Promise<void> {
    this.opts.link.send(xml('presence', { to: `${this.opts.breweryRoom}/${this.nick}`, type: 'unavailable' }));
  }
}

/** One colibri2 media-source per source name, with the groups among its SSRCs. */
export function toMediaSources(s: EndpointSources): Colibri2MediaSource[] {
  const out: Colibri2MediaSource[] = [];
  for (const type of MEDIA_TYPES as MediaType[]) {
    const byName = new Map<string, Colibri2MediaSource>();
    for (const src of s[type].sources) {
      let ms = byName.get(src.name);
      if (!ms) byName.set(src.name, (ms = { type, id: src.name, sources: [], ssrcGroups: [] }));
      ms.sources.push(src);
    }
    for (const ms of byName.values()) {
      const mine = new Set(ms.sources.map((x) => x.ssrc));
      ms.ssrcGroups = s[type].groups
        .filter((g) => g.ssrcs.every((x) => mine.has(x)))
        .map((g) => ({ ...g, ssrcs: [...g.ssrcs] }));
      out.push(ms);
    }
  }
  return out;
}
