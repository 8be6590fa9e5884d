// Prometheus view of the bridge: per-packet counters are read from BridgeCounters at scrape time.
import { Counter, Gauge, type Registry } from '@parley/service';
import type { Bridge } from './model/bridge.js';

/** What the metrics read from the media port at scrape time. */
export interface PortReadings {
  readonly counters: Record<string, number>;
  readonly receiveBufferBytes: number;
  socketDrops(): number | undefined;
}

const ICE_TCP_REFUSALS = [
  'tcp-unauth-limit-per-source',
  'tcp-unauth-limit-total',
  'tcp-auth-timeout',
  'tcp-bad-first-frame',
] as const;

export function bridgeMetrics(registry: Registry, bridge: Bridge, port: PortReadings): void {
  const c = bridge.counters;
  const portCounters = () => port.counters;
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('parley_bridge_packets_in_total', 'Packets received on media transports', () => c.packetsIn);
  counter('parley_bridge_bytes_in_total', 'Bytes received on media transports', () => c.bytesIn);
  counter('parley_bridge_packets_out_total', 'Packets sent on media transports', () => c.packetsOut);
  counter('parley_bridge_bytes_out_total', 'Bytes sent on media transports', () => c.bytesOut);
  counter('parley_bridge_nacks_received_total', 'NACK packets received from receivers', () => c.nacksReceived);
  counter('parley_bridge_nacks_sent_total', 'NACK packets sent to senders', () => c.nacksSent);
  counter('parley_bridge_retransmissions_total', 'Packets retransmitted from the cache', () => c.retransmissions);
  counter(
    'parley_bridge_retransmission_misses_total',
    'NACKed packets no longer in the cache',
    () => c.retransmissionMisses,
  );
  counter('parley_bridge_recovered_by_rtx_total', 'Lost packets recovered from senders by RTX', () => c.recoveredByRtx);
  counter('parley_bridge_plis_received_total', 'Keyframe requests (PLI/FIR) from receivers', () => c.plisReceived);
  counter('parley_bridge_plis_sent_total', 'Keyframe requests sent to senders (after coalescing)', () => c.plisSent);
  new Counter({
    name: 'parley_bridge_dropped_packets_total',
    help: 'Packets dropped, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of c.drops) this.inc({ reason }, n);
      for (const [reason, n] of Object.entries(portCounters())) this.inc({ reason }, n);
    },
  });
  // ICE-TCP connections closed before their first valid STUN check: the admission bounds and the deadline.
  new Counter({
    name: 'parley_bridge_ice_tcp_refused_total',
    help: 'ICE-TCP connections closed unauthenticated, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = portCounters();
      for (const reason of ICE_TCP_REFUSALS) this.inc({ reason }, counts[reason] ?? 0);
    },
  });
  counter(
    'parley_bridge_udp_socket_drops_total',
    'Datagrams the kernel dropped at the media UDP socket (receive buffer full: the event loop fell behind)',
    () => port.socketDrops() ?? 0,
  );
  new Gauge({
    name: 'parley_bridge_udp_receive_buffer_bytes',
    help: 'Receive buffer of the media UDP socket as the kernel reports it (twice the usable size on Linux)',
    registers: [registry],
    collect() {
      this.set(port.receiveBufferBytes);
    },
  });
  counter(
    'parley_bridge_twcc_feedback_received_total',
    'transport-cc feedback packets from receivers, taken by their bandwidth estimates',
    () => c.twccFeedbackReceived,
  );
  counter(
    'parley_bridge_probe_padding_bytes_total',
    'Padding bytes sent to probe the links toward receivers',
    () => c.probePaddingBytes,
  );
  // Per-endpoint estimates would be one series per participant: the spread is what an operator needs.
  new Gauge({
    name: 'parley_bridge_bwe_estimate_bps',
    help: 'Bandwidth estimates toward receivers (bits/s): lowest, median and highest over endpoints that have one',
    labelNames: ['stat'],
    registers: [registry],
    collect() {
      this.reset();
      const all: number[] = [];
      for (const conf of bridge.conferences.values())
        for (const ep of conf.endpoints.values())
          if (ep.estimatedBandwidthBps !== undefined) all.push(ep.estimatedBandwidthBps);
      if (!all.length) return;
      all.sort((a, b) => a - b);
      this.set({ stat: 'min' }, all[0]);
      this.set({ stat: 'median' }, all[Math.floor(all.length / 2)]);
      this.set({ stat: 'max' }, all[all.length - 1]);
    },
  });
  new Gauge({
    name: 'parley_bridge_bwe_estimated_endpoints',
    help: 'Endpoints whose transport-cc feedback gave a bandwidth estimate',
    registers: [registry],
    collect() {
      let n = 0;
      for (const conf of bridge.conferences.values())
        for (const ep of conf.endpoints.values()) if (ep.estimatedBandwidthBps !== undefined) n++;
      this.set(n);
    },
  });
  new Gauge({
    name: 'parley_bridge_conferences',
    help: 'Conferences on this bridge',
    registers: [registry],
    collect() {
      this.set(bridge.conferences.size);
    },
  });
  new Gauge({
    name: 'parley_bridge_endpoints',
    help: 'Endpoints on this bridge',
    registers: [registry],
    collect() {
      let n = 0;
      for (const conf of bridge.conferences.values()) n += conf.endpoints.size;
      this.set(n);
    },
  });
}
