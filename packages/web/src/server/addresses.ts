// The machine's own addresses, read from its interfaces (no lookup of anything external).
import { networkInterfaces } from 'node:os';

/** Every non-internal interface address (IPv4 first, then IPv6; link-local IPv6 left out). */
export function localAddresses(): string[] {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4') v4.push(a.address);
      else if (!a.address.toLowerCase().startsWith('fe80:')) v6.push(a.address);
    }
  }
  return [...new Set([...v4, ...v6])];
}
