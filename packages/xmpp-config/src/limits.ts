// Prosody's flood limits (issue 11, attack 5), rendered as one block of the global section and
// one of the conference MUC component, so render.ts only splices them in:
//   - mod_limits (Prosody core): every client connection (TCP c2s, WebSocket, BOSH) is read at no
//     more than `c2sRate`; the service accounts (bridges, focus user) are exempt. With Prosody's
//     epoll backend the rate is applied per read, without a burst allowance.
//   - mod_parley_muc_limits (ours, prosody-plugins/): per occupant, `mucMessageBurst` groupchat
//     messages at once and `mucMessageRate` per second after that; the excess bounces.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROSODY_LIMITS = {
  /** Bytes per second one client connection may send (mod_limits syntax). Jitsi uses the same. */
  c2sRate: '10kb/s',
  /** Groupchat messages per second per occupant, after the burst. */
  mucMessageRate: 2,
  /** Groupchat messages one occupant may send at once. */
  mucMessageBurst: 10,
} as const;

/** Where Parley's own Prosody modules are installed for a data dir (the config's plugin_paths). */
export function pluginDirOf(dataDir: string): string {
  return `${dataDir}/plugins`;
}

/** The modules shipped in this package (packages/xmpp-config/prosody-plugins). */
export const PLUGIN_SOURCE_DIR = fileURLToPath(new URL('../prosody-plugins/', import.meta.url));

/** Copies Parley's Prosody modules into the data dir's plugin directory (before Prosody starts). */
export function installProsodyPlugins(dataDir: string): string {
  const dir = pluginDirOf(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const f of readdirSync(PLUGIN_SOURCE_DIR))
    if (f.endsWith('.lua')) copyFileSync(join(PLUGIN_SOURCE_DIR, f), join(dir, f));
  return dir;
}

/** Global-section lines: where our modules live, the c2s rate, who is exempt. */
export function limitsGlobalLines(o: { dataDir: string; unlimitedJids: string[] }, q: (s: string) => string): string[] {
  return [
    '---------- Limits: flood protection (issue 11) ----------',
    `plugin_paths = { ${q(pluginDirOf(o.dataDir))} }`,
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
