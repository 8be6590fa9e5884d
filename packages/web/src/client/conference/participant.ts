// A person in the room as the components show them (part of the store contract in types.ts).
export interface Participant {
  /** Endpoint id = MUC nick (8 hex chars). */
  id: string;
  displayName: string;
  isLocal: boolean;
  moderator: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
  /** ms timestamp of the raised hand, or undefined. */
  raisedHand?: number;
  /** True while this participant shares a screen (a second video source, "<id>-v1"). */
  screenSharing: boolean;
  /** Another XMPP app's user in the room (nick is not an endpoint id): chat and list only, no tile. */
  external?: boolean;
}
