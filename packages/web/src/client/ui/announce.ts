// What a screen reader is told as the meeting changes: someone joined or left, raised a hand, or
// wrote in the chat. Pure (no DOM): compares two snapshots of the store and returns the sentences.
// No DOM types and no dictionary here, so that it is unit-tested in Node: `say` is the translator.
import type { Participant } from '../conference/participant.js';

type Said =
  | 'announce.joined'
  | 'announce.left'
  | 'announce.handRaised'
  | 'announce.message'
  | 'announce.privateMessage';
export type Say = (key: Said, vars: Record<string, string>) => string;

export interface AnnounceSnapshot {
  participants: Record<string, Participant>;
  chat: readonly { id: string; from: string; displayName: string; text: string; mine: boolean; privateWith?: string }[];
}

/** The sentences for what changed from `prev` to `next` (others only: our own actions are not read back). */
export function announcements(prev: AnnounceSnapshot, next: AnnounceSnapshot, say: Say): string[] {
  const out: string[] = [];
  for (const [id, p] of Object.entries(next.participants)) {
    if (p.isLocal) continue;
    const before = prev.participants[id];
    if (!before) out.push(say('announce.joined', { name: p.displayName || id }));
    else if (p.raisedHand !== undefined && before.raisedHand === undefined)
      out.push(say('announce.handRaised', { name: p.displayName || id }));
  }
  for (const [id, p] of Object.entries(prev.participants)) {
    if (!p.isLocal && !next.participants[id]) out.push(say('announce.left', { name: p.displayName || id }));
  }
  const seen = new Set(prev.chat.map((m) => m.id));
  for (const m of next.chat) {
    if (m.mine || seen.has(m.id)) continue;
    const key = m.privateWith ? 'announce.privateMessage' : 'announce.message';
    out.push(say(key, { name: m.displayName || m.from, text: m.text }));
  }
  return out;
}
