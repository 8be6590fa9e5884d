// SSRC simulcast for a Chromium answerer (the way Jitsi's clients send to a bridge): before
// setLocalDescription, the camera's sending m-line of the answer gets more SSRCs, one per layer,
// an `a=ssrc-group:SIM` listing them lowest resolution first, and an RTX SSRC with an
// `a=ssrc-group:FID` for each. Chromium then encodes one stream per SIM SSRC (scaled 1/4, 1/2, 1
// of the camera, fewer layers for small cameras). The answerer cannot use sendEncodings: those
// exist only on addTransceiver, and the m-lines come from the focus's offer.
// Pure string -> string: the added SSRCs are kept by the caller per mid, so every renegotiation
// announces the same ones (new SSRCs would look like a new sender to the bridge and receivers).
import { parseSdp, sdpAttribute, sdpDirection, type SdpLine } from './parse.js';
import { writeSdp } from './write.js';

/** The SSRCs of one simulcast m-line: `primaries[i]` is layer i (0 lowest), `rtx[i]` its FID partner. */
export interface SimulcastSsrcs {
  primaries: number[];
  rtx: number[];
}

export interface SimulcastMungeOptions {
  /** Mids of the sending m-lines to give layers (the camera's; a screen share stays one layer). */
  mids: readonly string[];
  /** Layers wanted (Jitsi: 3, about 180p / 360p / 720p). */
  layers: number;
  /** SSRCs already chosen per mid by an earlier call: reused, so renegotiation keeps them. */
  known: Map<string, SimulcastSsrcs>;
  /** Draws a fresh SSRC (1..2^32-1); the caller seeds it in tests. */
  newSsrc: () => number;
}

const ssrcOf = (l: SdpLine): number | undefined => {
  const m = /^ssrc:(\d+) /.exec(l.value);
  return l.type === 'a' && m ? Number(m[1]) : undefined;
};

/**
 * Adds SIM and FID groups to the answer's sending m-lines named in `o.mids`. An m-line that is not
 * sending, has no SSRC, or already carries a SIM group is left as it is. Returns the new SDP.
 */
export function addSimulcastLayers(sdp: string, o: SimulcastMungeOptions): string {
  if (o.layers < 2) return sdp;
  const parsed = parseSdp(sdp);
  let changed = false;
  for (const m of parsed.media) {
    if (m.kind !== 'video') continue;
    const mid = sdpAttribute(m.lines, 'mid');
    if (mid === undefined || !o.mids.includes(mid)) continue;
    const dir = sdpDirection(m, parsed);
    if (dir !== 'sendonly' && dir !== 'sendrecv') continue;
    if (m.lines.some((l) => l.type === 'a' && l.value.startsWith('ssrc-group:SIM '))) continue;
    const ssrcLines = m.lines.filter((l) => ssrcOf(l) !== undefined);
    const primary = ssrcLines.map(ssrcOf)[0];
    if (primary === undefined) continue;
    const fid = m.lines
      .filter((l) => l.type === 'a' && l.value.startsWith('ssrc-group:FID '))
      .map((l) => l.value.split(/\s+/).slice(1).map(Number))
      .find((g) => g[0] === primary);
    const primaryRtx = fid?.[1];
    const taken = new Set<number>(ssrcLines.map((l) => ssrcOf(l)!));
    const fresh = (): number => {
      for (;;) {
        const x = o.newSsrc() >>> 0;
        if (x !== 0 && !taken.has(x)) {
          taken.add(x);
          return x;
        }
      }
    };
    const prev = o.known.get(mid);
    const layers: SimulcastSsrcs = { primaries: [primary], rtx: primaryRtx === undefined ? [] : [primaryRtx] };
    for (let i = 1; i < o.layers; i++) {
      layers.primaries.push(prev?.primaries[i] ?? fresh());
      if (primaryRtx !== undefined) layers.rtx.push(prev?.rtx[i] ?? fresh());
    }
    o.known.set(mid, layers);
    // The attributes of the primary SSRC (cname, msid) are what the other layers carry too.
    const attrs = ssrcLines.filter((l) => ssrcOf(l) === primary).map((l) => l.value.replace(/^ssrc:\d+ /, ''));
    const keep = m.lines.filter(
      (l) => ssrcOf(l) === undefined && !(l.type === 'a' && l.value.startsWith('ssrc-group:')),
    );
    const groups: SdpLine[] = [{ type: 'a', value: `ssrc-group:SIM ${layers.primaries.join(' ')}` }];
    const ssrcs: SdpLine[] = [];
    layers.primaries.forEach((p, i) => {
      const r = layers.rtx[i];
      if (r !== undefined) groups.push({ type: 'a', value: `ssrc-group:FID ${p} ${r}` });
      for (const x of r === undefined ? [p] : [p, r])
        for (const v of attrs) ssrcs.push({ type: 'a', value: `ssrc:${x} ${v}` });
    });
    m.lines = [...keep, ...groups, ...ssrcs];
    changed = true;
  }
  return changed ? writeSdp(parsed) : sdp;
}
