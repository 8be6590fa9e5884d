// Datagrams the kernel dropped at a UDP socket because its receive buffer was full: the loss an SFU
// causes itself when its event loop stalls (issue 14 saw 5,000–20,000 at 10 participants with the
// default 208 KB buffer). Linux counts them per socket in the last column of /proc/net/udp{,6}.
import { readFileSync } from 'node:fs';

/**
 * Sums the `drops` column of the sockets bound to local `port` in a /proc/net/udp or udp6 table.
 * Returns undefined when no socket has that port (or the table is not in the kernel's format).
 */
export function dropsAtPort(table: string, port: number): number | undefined {
  const lines = table.split('\n');
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  // The header names "tx_queue rx_queue" and "tr tm->when" as one column each: the data rows have
  // two columns fewer than the header has words before "drops".
  if (header.at(-1) !== 'drops') return undefined;
  const wantedPort = port.toString(16).toUpperCase().padStart(4, '0');
  let total: number | undefined;
  for (const line of lines.slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13) continue;
    const local = cols[1];
    if (local.slice(local.lastIndexOf(':') + 1) !== wantedPort) continue;
    const drops = Number(cols.at(-1));
    if (Number.isFinite(drops)) total = (total ?? 0) + drops;
  }
  return total;
}

/** Drops at this machine's UDP socket(s) on `port`, IPv4 and IPv6; undefined where /proc is not readable. */
export function udpSocketDrops(port: number): number | undefined {
  let total: number | undefined;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const n = dropsAtPort(table, port);
    if (n !== undefined) total = (total ?? 0) + n;
  }
  return total;
}
