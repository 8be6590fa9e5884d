// An in-memory bridge for the focus's own tests and for running signaling without media: it
// allocates plausible transports and remembers what the focus told it, so tests can check that
// the focus forwarded each participant's transport and sources.
import { randomBytes } from 'node:crypto';
import type { IceTransport, RecordingStatus } from '@parley/protocol';
import { NoBridgeError, type BridgeClient, type ColibriSession, type EndpointAllocation } from './bridge-client.js';
import { noSources, type EndpointSources } from './sources.js';

export interface FakeEndpoint {
  id: string;
  statsId?: string;
  sources: EndpointSources;
  remoteTransport?: IceTransport;
  local: IceTransport;
  iceRestarts?: number;
}
export interface FakeConference {
  meetingId: string;
  roomJid: string;
  endpoints: Map<string, FakeEndpoint>;
  expired: boolean;
  /** The recording the focus asked for; `stopReason` set by a test plays a bridge that stopped by itself. */
  recording?: { on: boolean; names: Record<string, string>; stopReason?: string };
  /** The live stream the focus asked for; a test sets `status` to play a failing or given-up push. */
  stream?: { url?: string; status: RecordingStatus };
}

export class FakeBridgeClient implements BridgeClient {
  readonly conferences = new Map<string, FakeConference>();
  healthy = true;
  /** When set, ICE restarts are refused with this message (the focus then re-invites). */
  refuseIceRestart?: string;

  constructor(
    readonly bridgeId = 'fake-bridge',
    private readonly advertise = '127.0.0.1',
    private readonly port = 10000,
  ) {}

  available(): number {
    return this.healthy ? 1 : 0;
  }

  async expireMeeting(meetingId: string): Promise<void> {
    const conf = this.conferences.get(meetingId);
    if (conf) conf.expired = true;
    this.conferences.delete(meetingId);
  }

  session(meetingId: string, roomJid: string): ColibriSession {
    const conf: FakeConference = { meetingId, roomJid, endpoints: new Map(), expired: false };
    const bridge = this;
    const live = () => {
      if (!bridge.healthy) throw new NoBridgeError();
      if (conf.expired) throw new Error(`conference ${meetingId} was expired`);
    };
    return {
      meetingId,
      async allocate(endpointId, opts): Promise<EndpointAllocation> {
        live();
        if (conf.endpoints.has(endpointId)) throw new Error(`endpoint ${endpointId} already exists in ${meetingId}`);
        bridge.conferences.set(meetingId, conf);
        const local = bridge.transport();
        conf.endpoints.set(endpointId, { id: endpointId, statsId: opts.statsId, sources: opts.sources, local });
        return { bridgeId: bridge.bridgeId, transport: local };
      },
      async update(endpointId, change) {
        live();
        const ep = conf.endpoints.get(endpointId);
        if (!ep) throw new Error(`endpoint ${endpointId} not found in ${meetingId}`);
        if (change.transport) ep.remoteTransport = change.transport;
        if (change.sources) ep.sources = change.sources;
      },
      async restartIce(endpointId) {
        live();
        if (bridge.refuseIceRestart) throw new Error(bridge.refuseIceRestart);
        const ep = conf.endpoints.get(endpointId);
        if (!ep) throw new Error(`endpoint ${endpointId} not found in ${meetingId}`);
        const fresh = bridge.transport();
        ep.local = { ...ep.local, ufrag: fresh.ufrag, pwd: fresh.pwd };
        ep.iceRestarts = (ep.iceRestarts ?? 0) + 1;
        return ep.local;
      },
      async expireEndpoint(endpointId) {
        conf.endpoints.delete(endpointId);
      },
      async recording(request) {
        live();
        if (request.mode === 'stream') {
          const st = (conf.stream ??= { status: { state: 'off', mode: 'stream' } });
          if (request.action === 'start' && st.status.state === 'off')
            Object.assign(st, { url: request.url, status: { state: 'on', mode: 'stream' } });
          if (request.action === 'stop') st.status = { state: 'off', mode: 'stream', reason: 'requested' };
          return st.status;
        }
        const r = (conf.recording ??= { on: false, names: {} });
        Object.assign(r.names, request.names ?? {});
        if (request.action === 'start' && !r.on) Object.assign(r, { on: true, stopReason: undefined });
        if (request.action === 'stop' && r.on) Object.assign(r, { on: false, stopReason: 'requested' });
        return r.on ? { state: 'on', dir: `/fake/${meetingId}` } : { state: 'off', reason: r.stopReason };
      },
      async expire() {
        conf.expired = true;
        conf.endpoints.clear();
        bridge.conferences.delete(meetingId);
      },
    };
  }

  async close(): Promise<void> {
    this.conferences.clear();
  }

  /** Everything the bridge was told, as plain JSON. */
  dump(): unknown {
    return [...this.conferences.values()].map((c) => ({
      meetingId: c.meetingId,
      roomJid: c.roomJid,
      endpoints: [...c.endpoints.values()].map((e) => ({
        id: e.id,
        sources: e.sources ?? noSources,
        remoteTransport: e.remoteTransport,
      })),
    }));
  }

  private transport(): IceTransport {
    const fp = [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
    return {
      ufrag: randomBytes(4).toString('hex'),
      pwd: randomBytes(16).toString('base64url'),
      rtcpMux: true,
      sctpPort: 5000,
      fingerprints: [{ hash: 'sha-256', value: fp, setup: 'actpass' }],
      candidates: [
        {
          foundation: '1',
          component: 1,
          protocol: 'udp',
          priority: 2130706431,
          ip: this.advertise,
          port: this.port,
          type: 'host',
          generation: 0,
        },
      ],
    };
  }
}
