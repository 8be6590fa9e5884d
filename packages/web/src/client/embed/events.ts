// The embed API's events (Jitsi's names and fields) from two snapshots of the meeting's store.
// Pure (no DOM), unit-tested in Node.

export interface EmbedSnapshot {
  phase: string;
  room: string;
  localId?: string;
  displayName: string;
  audioMuted: boolean;
  videoMuted: boolean;
  participants: Record<string, { id: string; displayName: string; isLocal: boolean }>;
  chat: readonly { id: string; from: string; displayName: string; text: string; mine: boolean; privateWith?: string }[];
}

export interface EmbedEvent {
  name: string;
  data: Record<string, unknown>;
}

export function embedEvents(prev: EmbedSnapshot, next: EmbedSnapshot): EmbedEvent[] {
  const out: EmbedEvent[] = [];
  const was = prev.phase === 'in-meeting';
  const is = next.phase === 'in-meeting';
  if (!was && is)
    out.push({
      name: 'videoConferenceJoined',
      data: { roomName: next.room, id: next.localId, displayName: next.displayName },
    });
  const others = (s: EmbedSnapshot) => Object.values(s.participants).filter((p) => !p.isLocal);
  for (const p of others(next)) {
    const before = prev.participants[p.id];
    if (!before) out.push({ name: 'participantJoined', data: { id: p.id, displayName: p.displayName } });
    else if (before.displayName !== p.displayName)
      out.push({ name: 'displayNameChange', data: { id: p.id, displayname: p.displayName } });
  }
  for (const p of others(prev)) if (!next.participants[p.id]) out.push({ name: 'participantLeft', data: { id: p.id } });
  if (is && prev.audioMuted !== next.audioMuted)
    out.push({ name: 'audioMuteStatusChanged', data: { muted: next.audioMuted } });
  if (is && prev.videoMuted !== next.videoMuted)
    out.push({ name: 'videoMuteStatusChanged', data: { muted: next.videoMuted } });
  const seen = new Set(prev.chat.map((m) => m.id));
  for (const m of next.chat)
    if (!m.mine && !seen.has(m.id))
      out.push({
        name: 'incomingMessage',
        data: { from: m.from, nick: m.displayName, message: m.text, privateMessage: m.privateWith !== undefined },
      });
  if (was && !is && next.phase !== 'joining') {
    out.push({ name: 'videoConferenceLeft', data: { roomName: next.room } });
    out.push({ name: 'readyToClose', data: {} });
  }
  return out;
}
