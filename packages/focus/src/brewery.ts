// The bridges the focus knows, as announced by their presence in the brewery MUC, and the choice
// of a bridge for a new conference: healthy, not draining, least stressed (jicofo's default).
import type { BridgeStats } from '@parley/protocol';

export interface KnownBridge {
  /** Occupant nick in the brewery, e.g. "jvb-1a2b". */
  id: string;
  /** The bridge's real JID: colibri2 requests go there. */
  jid: string;
  stats: BridgeStats;
  lastSeen: number;
}

export function isUsable(b: KnownBridge): boolean {
  return b.stats.healthy && !b.stats.draining;
}

/** Least stressed usable bridge; ties go to the one with fewer endpoints, then by id for determinism. */
export function selectBridge(
  bridges: Iterable<KnownBridge>,
  exclude: ReadonlySet<string> = new Set(),
): KnownBridge | undefined {
  let best: KnownBridge | undefined;
  for (const b of bridges) {
    if (!isUsable(b) || exclude.has(b.id)) continue;
    if (
      !best ||
      b.stats.stress < best.stats.stress ||
      (b.stats.stress === best.stats.stress &&
        (b.stats.endpoints < best.stats.endpoints || (b.stats.endpoints === best.stats.endpoints && b.id < best.id)))
    )
      best = b;
  }
  return best;
}
