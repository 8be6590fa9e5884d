// The SSRCs an endpoint's browser sends RTCP reports and feedback with that no signaling names, and
// what each reports on. SRTCP keeps receive state (a replay window) per sender SSRC; a receiver that
// picks its own SSRC (werift: one per remote track; Chrome: 1 for receive-only streams) leaves that
// state behind when the stream it received goes, and a long meeting with churn would hold it until
// the per-context cap (256). Knowing which media SSRCs a reporter spoke of lets the endpoint forget the
// reporter with the last of them.
import type { RtcpPacket } from '../rtp/index.js';
import { MAX_RECEIVE_SSRCS } from '../srtp/index.js';

/** Media SSRCs a compound's packets speak of: report blocks, feedback targets, REMB lists. */
function* mediaSsrcs(packets: readonly RtcpPacket[]): Generator<number> {
  for (const p of packets) {
    switch (p.type) {
      case 'sr':
      case 'rr':
        for (const r of p.reports) yield r.ssrc;
        break;
      case 'nack':
      case 'pli':
      case 'twcc':
        yield p.mediaSsrc;
        break;
      case 'fir':
        for (const e of p.entries) yield e.ssrc;
        break;
      case 'remb':
        yield* p.ssrcs;
        break;
      default:
        break;
    }
  }
}

export class RtcpReporters {
  /** Reporter SSRC -> the conference's media SSRCs it reported on; oldest reporter first. */
  private readonly about = new Map<number, Set<number>>();

  /**
   * Notes what the compound from `reporter` (its first packet's SSRC, the one SRTCP keys on) spoke of,
   * counting only SSRCs `known` to the conference. Returns true when the reporter is not `known` itself
   * and spoke of nothing known: nothing it says matters, so its SRTCP state can go (a late report about
   * a stream that already left; a replay of it would change nothing either).
   */
  note(reporter: number, packets: readonly RtcpPacket[], known: (ssrc: number) => boolean): boolean {
    if (known(reporter)) return false;
    let set = this.about.get(reporter);
    for (const ssrc of mediaSsrcs(packets)) {
      if (!known(ssrc)) continue;
      if (!set) {
        if (this.about.size >= MAX_RECEIVE_SSRCS) this.about.delete(this.about.keys().next().value as number);
        set = new Set();
        this.about.set(reporter, set);
      }
      set.add(ssrc);
    }
    return !set?.size;
  }

  /** These media SSRCs left the conference: returns the reporters that spoke only of them, forgotten here. */
  release(ssrcs: readonly number[]): number[] {
    const gone: number[] = [];
    for (const [reporter, set] of this.about) {
      for (const ssrc of ssrcs) set.delete(ssrc);
      if (set.size) continue;
      this.about.delete(reporter);
      gone.push(reporter);
    }
    return gone;
  }

  get size(): number {
    return this.about.size;
  }
}
