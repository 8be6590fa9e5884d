// Prosody's flood limits (issue 11, attack 5), rendered as one block of the global section and
// one of the conference MUC component, so render.ts only splices them in:
//   - mod_limits (Prosody core): every client connection (TCP c2s, WebSocket, BOSH) is read at no
//     more than `c2sRate`; the service accounts (bridges, focus user) are exempt. With Prosody's
//     epoll backend the rate is applied per read, without a burst allowance.
//   - mod_parley_muc_limits (ours, prosody-plugins/): per occupant, `mucMessageBurst` groupchat
//     messages at once and `mucMessageRate` per second after that; the excess bounces.

export const PROSODY_LIMITS = {
  /** Bytes per second one client connection may send (mod_limits syntax). Jitsi uses the same. */
  c2sRate: '10kb/s',
  /** Groupchat messages per second per occupant, after the burst. */
  mucMessageRate: 2,
  /** Groupchat messages one occupant may send at once. */
  mucMessageBurst: 10,
} as const;

/** Global-section lines: the c2s rate and who is exempt. */
export function limitsGlobalLines(o: { unlimitedJids: string[] }, q: (s: string) => string): string[] {
  return [
    '---------- Limits: flood protection (issue 11) ----------',
    `limits = { c2s = { rate = ${q(PROSODY_LIMITS.c2sRate)} } }`,
    `unlimited_jids = { ${o.unlimitedJids.map(q).join(', ')} }`,
    '',
  ];
}

/** Lines inside the conference MUC component. */
export function limitsMucLines(): string[] {
  return [
    `  parley_muc_message_rate = ${PROSODY_LIMITS.mucMessageRate}`,
    `  parley_muc_message_burst = ${PROSODY_LIMITS.mucMessageBurst}`,
  ];
}

/** Modules the limits need: global, and on the conference MUC component. */
export const LIMITS_GLOBAL_MODULES = ['limits'];
export const LIMITS_MUC_MODULES = ['parley_muc_limits'];
