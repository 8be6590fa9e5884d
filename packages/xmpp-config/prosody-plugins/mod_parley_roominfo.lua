-- mod_parley_roominfo: the room metadata lib-jitsi-meet reads from a room's disco#info (ChatRoom.discoRoomInfo):
-- muc#roominfo_meetingId, a unique id per room instance, and muc#roominfo_created_timestamp, when the room was
-- created (ms since the epoch; jitsi-meet shows the meeting's duration from it). Installed by @parley/xmpp-config.
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
