// Bridge stats published in the bridge's brewery MUC presence (Jitsi's ColibriStatsExtension):
// <stats xmlns="http://jitsi.org/protocol/colibri"><stat name="stress_level" value="0.1"/>...</stats>
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { COLIBRI_NS } from '../jingle/transport.js';
import { attr, children, child, nsOf } from '../xml/attrs.js';

export const COLIBRI_STATS_NS = COLIBRI_NS;

export interface BridgeStats {
  /** 0 = idle, 1 = full; may exceed 1 when overloaded. */
  stress: number;
  conferences: number;
  endpoints: number;
  /** Packets per second. */
  packetRateDown: number;
  packetRateUp: number;
  draining: boolean;
  healthy: boolean;
  region?: string;
  relayId?: string;
  version?: string;
}

export function bridgeStatsToXml(s: BridgeStats): Element {
  const stats: [string, string | number | boolean | undefined][] = [
    ['stress_level', s.stress],
    ['conferences', s.conferences],
    ['participants', s.endpoints],
    ['packet_rate_download', s.packetRateDown],
    ['packet_rate_upload', s.packetRateUp],
    ['drain', s.draining],
    ['healthy', s.healthy],
    ['region', s.region],
    ['relay_id', s.relayId],
    ['version', s.version],
  ];
  return xml(
    'stats',
    { xmlns: COLIBRI_STATS_NS },
    stats.filter(([, v]) => v !== undefined).map(([name, value]) => xml('stat', { name, value: String(value) })),
  );
}

/** Parses `<stats>` (or a presence carrying it). Unknown stats are ignored; missing numeric ones are 0,
 *  a missing `healthy` is true, a missing `drain` false. */
export function parseBridgeStats(el: Element): BridgeStats {
  const stats = el.name === 'stats' ? el : child(el, 'stats', COLIBRI_STATS_NS);
  if (!stats) throw new ProtocolError(`bridge stats: no <stats xmlns="${COLIBRI_STATS_NS}"> in <${el.name}>`);
  if (nsOf(stats) !== COLIBRI_STATS_NS) throw new ProtocolError(`bridge stats: wrong namespace '${nsOf(stats) ?? ''}'`);
  const map = new Map<string, string>();
  for (const st of children(stats, 'stat')) {
    const name = attr(st, 'name');
    if (!name) throw new ProtocolError('bridge stats: <stat> without name');
    map.set(name, attr(st, 'value') ?? '');
  }
  const num = (names: string[]): number => {
    for (const n of names) {
      const v = map.get(n);
      if (v === undefined) continue;
      const x = Number(v);
      if (v.trim() === '' || !Number.isFinite(x))
        throw new ProtocolError(`bridge stats: stat '${n}' is not a number: '${v}'`);
      return x;
    }
    return 0;
  };
  const bool = (name: string, dflt: boolean): boolean => {
    const v = map.get(name);
    if (v === undefined) return dflt;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw new ProtocolError(`bridge stats: stat '${name}' is not a boolean: '${v}'`);
  };
  const s: BridgeStats = {
    stress: num(['stress_level']),
    conferences: num(['conferences']),
    endpoints: num(['participants', 'endpoints']),
    packetRateDown: num(['packet_rate_download']),
    packetRateUp: num(['packet_rate_upload']),
    draining: bool('drain', false),
    healthy: bool('healthy', true),
  };
  const region = map.get('region');
  if (region !== undefined) s.region = region;
  const relayId = map.get('relay_id');
  if (relayId !== undefined) s.relayId = relayId;
  const version = map.get('version');
  if (version !== undefined) s.version = version;
  return s;
}
