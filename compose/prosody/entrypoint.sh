#!/bin/sh
# Renders Prosody's config from env + the secrets init wrote, creates the service accounts,
# then runs Prosody in the foreground.
set -eu
f=/run/parley/env/prosody.env
if [ ! -r "$f" ]; then
  echo "parley prosody: $f is missing: the init service makes it (docker compose up init)" >&2
  exit 1
fi
set -a; . "$f"; set +a
umask 077
node packages/xmpp-config/dist/main.js render > /etc/prosody/prosody.cfg.lua
node packages/xmpp-config/dist/main.js accounts /etc/prosody/prosody.cfg.lua
exec prosody -F --config /etc/prosody/prosody.cfg.lua
