// Source-removes for people who left, held per recipient for a moment before they are sent.
//
// When several people leave at once (a meeting's end, a network cut), Prosody tells the focus one
// leave at a time. Sending each leaver's source-remove at once reaches the others who are already
// leaving: the MUC answers item-not-found for each, n(n-1)/2 refusals. Held for a short window, the
// removes of one recipient merge into one stanza and are dropped for a recipient who left meanwhile.
// Jicofo delays source signalling by conference size for the same reason.
import type { EndpointSources } from './sources.js';
import { union } from './sources.js';

interface Pending {
  /** The recipient's session the removes belong to: a new session (bridge moved) never heard of them. */
  sid: string;
  sources: EndpointSources;
}

export class DepartedSources {
  private readonly byRecipient = new Map<string, Pending>();

  /** Notes that `recipient` (in session `sid`) must be told `sources` are gone. */
  add(recipient: string, sid: string, sources: EndpointSources): void {
    const held = this.byRecipient.get(recipient);
    if (held && held.sid === sid) held.sources = union(held.sources, sources);
    else this.byRecipient.set(recipient, { sid, sources });
  }

  /** What `recipient` must still be told in session `sid`, forgotten once taken. */
  take(recipient: string, sid: string | undefined): EndpointSources | undefined {
    const held = this.byRecipient.get(recipient);
    this.byRecipient.delete(recipient);
    return held && held.sid === sid ? held.sources : undefined;
  }

  /** Every recipient with something held. */
  recipients(): string[] {
    return [...this.byRecipient.keys()];
  }

  clear(): void {
    this.byRecipient.clear();
  }
}
