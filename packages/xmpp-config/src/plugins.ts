// Parley's own Prosody modules (packages/xmpp-config/prosody-plugins/*.lua), copied into the data
// dir before Prosody starts; the rendered config's plugin_paths points there.
//   - mod_parley_muc_limits: a groupchat rate per occupant (limits.ts).
//   - mod_parley_roominfo: the meeting id and creation time lib-jitsi-meet reads from disco#info.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prosodyPaths } from './settings.js';

export const ROOM_INFO_MODULE = 'parley_roominfo';

/** The modules shipped in this package. */
export const PLUGIN_SOURCE_DIR = fileURLToPath(new URL('../prosody-plugins/', import.meta.url));

/** Copies Parley's Prosody modules into the data dir's plugin directory (before Prosody starts). */
export function installProsodyPlugins(dataDir: string): string {
  const dir = prosodyPaths({ dataDir }).plugins;
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const f of readdirSync(PLUGIN_SOURCE_DIR))
    if (f.endsWith('.lua')) copyFileSync(join(PLUGIN_SOURCE_DIR, f), join(dir, f));
  return dir;
}
