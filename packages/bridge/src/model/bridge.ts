// The root of the bridge's ownership tree: Bridge -> Conference -> Endpoint -> MediaSource.
// colibri2 requests are validated completely before anything changes; close() cascades.
import {
  ProtocolError,
  type BridgeStats,
  type ConferenceModified,
  type ConferenceModify,
  type Colibri2Endpoint,
} from '@parley/protocol';
import type { Logger } from '@parley/service';
import { Conference } from './conference.js';
import { BridgeCounters } from './counters.js';
import type { MediaTransport } from './media-transport.js';
import { applyRecordingRequest, type RecordingSettings } from '../recording/recording-control.js';

export interface TransportFactory {
  createTransport(endpointId: string): MediaTransport;
}

export interface BridgeOptions {
  transports: TransportFactory;
  log: Logger;
  /** How often lost packets are NACKed, ms. */
  tickMs?: number;
  /** Packets per second (in + out) this process is built for; stress = rate / this. */
  capacityPps?: number;
  lastN?: number;
  /** Where and how conferences are recorded; unset: recording requests are refused. */
  recordings?: RecordingSettings;
}

export class Bridge {
  readonly conferences = new Map<string, Conference>();
  readonly counters = new BridgeCounters();
  draining = false;
  private readonly timer: NodeJS.Timeout;
  private rate = { at: Date.now(), packets: 0, down: 0, up: 0 };
  private closed = false;

  constructor(private readonly opts: BridgeOptions) {
    let ticks = 0;
    this.timer = setInterval(() => {
      const feedback = ++ticks % 3 === 0;
      for (const c of this.conferences.values()) {
        c.tick();
        if (feedback) c.flushTransportFeedback();
      }
    }, opts.tickMs ?? 20);
    this.timer.unref();
  }

  /** Applies a colibri2 conference-modify; throws ProtocolError (and changes nothing) when it cannot. */
  handleConferenceModify(req: ConferenceModify): ConferenceModified {
    if (this.closed) throw new ProtocolError('the bridge is shutting down', 'service-unavailable');
    let conference = this.conferences.get(req.meetingId);
    if (req.expire) {
      conference?.close();
      this.conferences.delete(req.meetingId);
      return { endpoints: [] };
    }
    if (!conference && !req.create) throw new ProtocolError(`conference ${req.meetingId} not found`, 'item-not-found');
    if (!conference && this.draining)
      throw new ProtocolError('the bridge is draining and takes no new conferences', 'service-unavailable');
    this.validate(conference, req.endpoints);

    if (!conference) {
      conference = new Conference(req.meetingId, req.name, {
        counters: this.counters,
        log: this.opts.log,
        bridgeLastN: this.opts.lastN,
      });
      this.conferences.set(req.meetingId, conference);
    }
    const answer: Colibri2Endpoint[] = [];
    for (const e of req.endpoints) {
      if (e.expire) {
        conference.expireEndpoint(e.id);
        continue;
      }
      const ep = e.create
        ? conference.createEndpoint(e.id, this.opts.transports.createTransport(e.id), {
            statsId: e.statsId,
            media: e.media,
          })
        : conference.endpoints.get(e.id)!;
      const restarted = e.transport?.iceRestart === true && !e.create ? ep.restartIce() : undefined;
      if (e.transport?.ice) ep.setRemoteTransport(e.transport.ice);
      if (e.sources) ep.setSources(e.sources);
      if (restarted) answer.push({ id: e.id, transport: { ice: restarted } });
      if (e.create) {
        const local = ep.transport.local;
        answer.push({
          id: e.id,
          transport: { ice: local, sctp: local.sctpPort !== undefined ? { port: local.sctpPort } : undefined },
        });
      }
    }
    if (!req.recording) return { endpoints: answer };
    return {
      endpoints: answer,
      recording: applyRecordingRequest(conference, req.recording, this.opts.recordings, this.opts.log),
    };
  }

  private validate(conference: Conference | undefined, endpoints: readonly Colibri2Endpoint[]): void {
    const ssrcOwner = new Map<number, string>();
    for (const ep of conference?.endpoints.values() ?? [])
      for (const s of ep.sources.values()) for (const x of s.ssrcs()) ssrcOwner.set(x, ep.id);
    const seen = new Set<string>();
    for (const e of endpoints) {
      if (seen.has(e.id)) throw new ProtocolError(`endpoint ${e.id} appears twice in one request`);
      seen.add(e.id);
      const exists = conference?.endpoints.has(e.id) ?? false;
      if (e.create && exists) throw new ProtocolError(`endpoint ${e.id} already exists`, 'conflict');
      if (!e.create && !e.expire && !exists) throw new ProtocolError(`endpoint ${e.id} not found`, 'item-not-found');
      for (const ms of e.sources ?? []) {
        if (!ms.id.startsWith(`${e.id}-`))
          throw new ProtocolError(`source ${ms.id} does not belong to endpoint ${e.id}`);
        for (const s of ms.sources) {
          const owner = ssrcOwner.get(s.ssrc);
          if (owner && owner !== e.id)
            throw new ProtocolError(`ssrc ${s.ssrc} of ${e.id} is already used by ${owner}`, 'conflict');
        }
      }
      for (const c of e.transport?.ice?.candidates ?? []) {
        if (c.ip.endsWith('.local'))
          throw new ProtocolError(
            `candidate ${c.ip} is an mDNS name; the bridge does not resolve mDNS`,
            'not-acceptable',
          );
      }
    }
  }

  stats(): BridgeStats {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.rate.at) / 1000);
    const down = (this.counters.packetsIn - this.rate.down) / seconds;
    const up = (this.counters.packetsOut - this.rate.up) / seconds;
    this.rate = { at: now, packets: 0, down: this.counters.packetsIn, up: this.counters.packetsOut };
    let endpoints = 0;
    for (const c of this.conferences.values()) endpoints += c.endpoints.size;
    return {
      stress: Math.round(((down + up) / (this.opts.capacityPps ?? 50_000)) * 1000) / 1000,
      conferences: this.conferences.size,
      endpoints,
      packetRateDown: Math.round(down),
      packetRateUp: Math.round(up),
      draining: this.draining,
      healthy: !this.closed,
    };
  }

  dump() {
    return {
      conferences: [...this.conferences.values()].map((c) => c.dump()),
      drops: Object.fromEntries(this.counters.drops),
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const c of this.conferences.values()) c.close();
    this.conferences.clear();
  }
}
