// Connection caps per client address for the signaling proxies (issue 11, attack 5: 300
// WebSocket sessions from one address were all accepted). The address is the one this server
// sees on the TCP connection: behind NAT or another proxy, many people share it, so the cap is a
// setting and 0 turns it off. Prosody cannot do this itself: it sees every client as the web server.
import type { Socket } from 'node:net';
import { plainAddress } from '@parley/service';

export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 40;

/** The peer's address without the IPv4-mapped prefix ("::ffff:10.0.0.5" -> "10.0.0.5"). */
export function clientAddress(socket: Pick<Socket, 'remoteAddress'>): string {
  return plainAddress(socket.remoteAddress ?? 'unknown');
}

export class AddressCaps {
  private readonly open = new Map<string, number>();

  /** `perAddress` 0: no cap. */
  constructor(readonly perAddress: number) {}

  /** Takes a place for `address`: a release function (idempotent), or undefined when it is full. */
  acquire(address: string): (() => void) | undefined {
    const n = this.open.get(address) ?? 0;
    if (this.perAddress > 0 && n >= this.perAddress) return undefined;
    this.open.set(address, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) this.open.set(address, left);
      else this.open.delete(address);
    };
  }

  /** Connections held now by `address`. */
  count(address: string): number {
    return this.open.get(address) ?? 0;
  }

  /** What a refused client is told. */
  refusalText(address: string): string {
    return `too many connections from ${address}: at most ${this.perAddress} signaling connections per address`;
  }
}
