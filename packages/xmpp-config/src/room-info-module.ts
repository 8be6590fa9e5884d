// Parley's one Prosody module, mod_parley_roominfo: the room metadata lib-jitsi-meet reads from a
// room's disco#info (ChatRoom.discoRoomInfo): `muc#roominfo_meetingId`, a unique id per room
// instance, and `muc#roominfo_created_timestamp`, when the room was created (ms since the epoch,
// shown by jitsi-meet as the meeting's duration). Written next to the config at start (plugin_paths).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOM_INFO_MODULE = 'parley_roominfo';

const source = `-- mod_${ROOM_INFO_MODULE}: written by @parley/xmpp-config at start; edit room-info-module.ts, not this file.
local uuid = require "util.uuid".generate;
local now = require "util.time".now;

module:hook("muc-room-created", function(event)
  local room = event.room;
  room._data.meetingId = uuid();
  room._data.created_timestamp = string.format("%d", math.floor(now() * 1000));
end);

module:hook("muc-disco#info", function(event)
  local room, form, formdata = event.room, event.form, event.formdata;
  if not form then return; end
  table.insert(form, { name = "muc#roominfo_meetingId", type = "text-single", label = "The meeting unique id." });
  formdata["muc#roominfo_meetingId"] = room._data.meetingId or "";
  table.insert(form, { name = "muc#roominfo_created_timestamp", type = "text-single", label = "Created (ms)" });
  formdata["muc#roominfo_created_timestamp"] = room._data.created_timestamp or "";
end);
`;

/** Writes the module into `pluginDir` (the config's plugin_paths). */
export function writeRoomInfoModule(pluginDir: string): void {
  mkdirSync(pluginDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(pluginDir, `mod_${ROOM_INFO_MODULE}.lua`), source, { mode: 0o644 });
}
