// Per-packet counters are plain numbers (the hot path must not call into a metrics library);
// the Prometheus registry reads them when scraped.
export class BridgeCounters {
  packetsIn = 0;
  bytesIn = 0;
  packetsOut = 0;
  bytesOut = 0;
  nacksReceived = 0;
  nacksSent = 0;
  retransmissions = 0;
  retransmissionMisses = 0;
  recoveredByRtx = 0;
  plisReceived = 0;
  plisSent = 0;
  /** transport-cc feedback packets from receivers, taken by their bandwidth estimates (src/bwe). */
  twccFeedbackReceived = 0;
  /** Padding bytes sent to probe receivers' links (src/bwe). */
  probePaddingBytes = 0;
  readonly drops = new Map<string, number>();

  drop(reason: string): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }
}
