-- Parley: a per-occupant rate for groupchat messages in MUC rooms (issue 11, attack 5: one
-- occupant relayed 3000 messages to everyone at ~1400/s). Load it on the MUC component.
-- Each sender (room + bare real JID) has a token bucket: `parley_muc_message_burst` messages at
-- once, refilled at `parley_muc_message_rate` per second. A message over it is not relayed: the
-- sender gets it back as an error (wait/policy-violation) whose text names the limit, and
-- everybody else in the room keeps getting the others' messages.
-- Debian's prosody-modules (bookworm) does not ship mod_muc_limits, hence this small module.
local st = require "util.stanza";
local jid_bare = require "util.jid".bare;
local throttle = require "util.throttle";
local cache = require "util.cache";

local rate = module:get_option_number("parley_muc_message_rate", 2);
local burst = module:get_option_number("parley_muc_message_burst", 10);
-- Bounded memory: the least recently active senders are forgotten first (they start full again).
local senders = cache.new(module:get_option_number("parley_muc_limits_tracked", 10000));

local refusal = string.format(
	"at most %s messages per second (bursts of %d) per occupant: this message was not delivered", rate, burst);

module:hook("muc-occupant-groupchat", function(event)
	local key = event.room.jid .. " " .. jid_bare(event.from or "");
	local bucket = senders:get(key);
	if not bucket then
		bucket = throttle.create(burst, burst / rate);
		senders:set(key, bucket);
	end
	if bucket:poll(1) then return; end
	module:log("debug", "%s is over the message rate in %s", event.from, event.room.jid);
	event.origin.send(st.error_reply(event.stanza, "wait", "policy-violation", refusal));
	return true;
end, 10);

module:log("info", "groupchat limited to %s messages/s per occupant (burst %d)", rate, burst);
