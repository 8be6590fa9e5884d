// Messages between a page that embeds a meeting (external-api.ts) and the meeting in its iframe
// (bridge.ts), over window.postMessage. Every message carries `parleyEmbed: 1`; anything else is
// not ours and is ignored.

/** The page -> the meeting. */
export type ToMeeting =
  | { parleyEmbed: 1; kind: 'hello' }
  | { parleyEmbed: 1; kind: 'command'; name: string; args: unknown[] };

/** The meeting -> the page. */
export type ToPage =
  | { parleyEmbed: 1; kind: 'event'; name: string; data: Record<string, unknown> }
  | { parleyEmbed: 1; kind: 'state'; participants: EmbedParticipant[]; audioMuted: boolean; videoMuted: boolean };

/** One entry of getParticipantsInfo(), in Jitsi's shape. */
export interface EmbedParticipant {
  participantId: string;
  displayName: string;
  formattedDisplayName: string;
}

/** The commands the meeting takes (Jitsi's names, where Parley can do the same thing). */
export const COMMANDS = [
  'toggleAudio',
  'toggleVideo',
  'toggleShareScreen',
  'toggleChat',
  'toggleRaiseHand',
  'toggleTileView',
  'hangup',
  'sendChatMessage',
] as const;

export function isEmbedMessage(v: unknown): v is { parleyEmbed: 1; kind: string } {
  return typeof v === 'object' && v !== null && (v as { parleyEmbed?: unknown }).parleyEmbed === 1;
}
