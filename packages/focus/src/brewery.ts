// The bridges the focus knows, as announced by their presence in the brewery MUC, and the choice
// of a bridge for a new conference: healthy, not draining, least stressed (jicofo's default).
import { bareJid, type BridgeStats } from '@parley/protocol';

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

/**
 * Why a brewery occupant cannot be a bridge, or undefined when it can: only the bridges' service
 * account (`<user>@auth.<domain>`, any resource) may offer media. Anyone else in the room (a guest
 * who got in, the focus's own account) is ignored, so no conference is ever allocated on it.
 */
export function breweryOccupantProblem(realJid: string | undefined, bridgeAccountJid: string): string | undefined {
  if (!realJid) return 'no real JID in its presence (the focus must be admin of the internal MUC)';
  const bare = bareJid(realJid).toLowerCase();
  if (bare !== bridgeAccountJid.toLowerCase()) return `${bare} is not the bridges' account ${bridgeAccountJid}`;
  return undefined;
}

/** Bounds no working bridge reaches: a bridge announcing more is broken or lying. */
export const STATS_LIMITS = { stress: 1000, conferences: 1_000_000, endpoints: 1_000_000, packetRate: 1e9 } as const;

/** Why these stats are impossible, or undefined when they are plausible. */
export function statsProblem(s: BridgeStats): string | undefined {
  const checks: [string, number, number, boolean][] = [
    ['stress_level', s.stress, STATS_LIMITS.stress, false],
    ['conferences', s.conferences, STATS_LIMITS.conferences, true],
    ['participants', s.endpoints, STATS_LIMITS.endpoints, true],
    ['packet_rate_download', s.packetRateDown, STATS_LIMITS.packetRate, false],
    ['packet_rate_upload', s.packetRateUp, STATS_LIMITS.packetRate, false],
  ];
  for (const [name, value, max, integer] of checks) {
    if (!Number.isFinite(value)) return `${name} ${value} is not a finite number`;
    if (value < 0) return `${name} ${value} is negative`;
    if (value > max) return `${name} ${value} is above ${max}`;
    if (integer && !Number.isInteger(value)) return `${name} ${value} is not a whole number`;
  }
  return undefined;
}
