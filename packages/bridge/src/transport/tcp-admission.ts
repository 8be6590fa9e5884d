// Admission of ICE-TCP connections that have not yet sent a valid Binding request (RFC 6544: the
// first frame must be one, with MESSAGE-INTEGRITY). Anyone can open such connections, so they are
// bounded per source address and in total. A new connection over a bound closes the *oldest*
// unauthenticated one instead of being refused: a browser sends its Binding request within a
// round trip of connecting, so an idle flood can never keep a real participant out.

export interface TcpAdmissionLimits {
  /** Unauthenticated connections from one remote address (default 16). */
  perSource: number;
  /** Unauthenticated connections in all (default 256). */
  total: number;
}

export const DEFAULT_TCP_ADMISSION: TcpAdmissionLimits = { perSource: 16, total: 256 };

/** `given` over the defaults; an absent or undefined bound keeps its default. */
export function tcpAdmissionLimits(given: Partial<TcpAdmissionLimits> = {}): TcpAdmissionLimits {
  return {
    perSource: given.perSource ?? DEFAULT_TCP_ADMISSION.perSource,
    total: given.total ?? DEFAULT_TCP_ADMISSION.total,
  };
}

/** Why a pending connection was closed to make room; counted as the port's drop reasons. */
export type TcpEviction = 'tcp-unauth-limit-per-source' | 'tcp-unauth-limit-total';

export class TcpAdmission<K> {
  // Insertion order is age order: the first entry is the oldest.
  private readonly pending = new Map<K, string>();

  constructor(private readonly limits: TcpAdmissionLimits) {
    for (const [name, v] of Object.entries(limits))
      if (!Number.isInteger(v) || v < 1) throw new Error(`ICE-TCP ${name} limit must be a positive integer (got ${v})`);
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Admits `key` from `source`; returns the connections to close (oldest first), each with the
   * bound it was closed for. They are already forgotten here.
   */
  admit(key: K, source: string): { key: K; reason: TcpEviction }[] {
    const out: { key: K; reason: TcpEviction }[] = [];
    let fromSource = 0;
    for (const s of this.pending.values()) if (s === source) fromSource++;
    for (const [k, s] of this.pending) {
      if (fromSource < this.limits.perSource) break;
      if (s !== source) continue;
      this.pending.delete(k);
      fromSource--;
      out.push({ key: k, reason: 'tcp-unauth-limit-per-source' });
    }
    for (const k of this.pending.keys()) {
      if (this.pending.size < this.limits.total) break;
      this.pending.delete(k);
      out.push({ key: k, reason: 'tcp-unauth-limit-total' });
    }
    this.pending.set(key, source);
    return out;
  }

  /** The connection authenticated or closed: it no longer counts. */
  forget(key: K): void {
    this.pending.delete(key);
  }
}
