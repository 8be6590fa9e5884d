// Addresses as Node reports them on dual-stack sockets: an IPv4 peer arrives as "::ffff:10.0.0.5".
// One helper for every service (bridge, web server, doctor) so that allow-lists, caps and logs all
// see the plain IPv4 form.
import { isIP } from 'node:net';

/** "::ffff:10.0.0.5" -> "10.0.0.5"; anything else unchanged. */
export function plainAddress(ip: string): string {
  return ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

/** An address as a URL or Host header writes it: IPv6 literals in brackets ("::1" -> "[::1]"). */
export function bracketHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
