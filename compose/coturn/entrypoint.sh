#!/bin/sh
# coturn with the TURN REST secret init generated (never in argv: a mode-600 config file).
set -eu
f=/run/parley/env/turn.env
[ -r "$f" ] || { echo "parley coturn: $f is missing: the init service makes it" >&2; exit 1; }
. "$f"
umask 077
conf=/tmp/turnserver.conf
{
  echo "listening-port=${TURN_PORT:-3478}"
  echo "realm=${DOMAIN:?}"
  echo "use-auth-secret"
  echo "static-auth-secret=${PARLEY_TURN_SECRET:?}"
  echo "min-port=49160"
  echo "max-port=49200"
  for a in $(echo "${ADVERTISE:?}" | tr ',' ' '); do echo "external-ip=$a"; done
  echo "no-cli"
  echo "no-tls"
  echo "no-dtls"
  echo "fingerprint"
  echo "log-file=stdout"
} > "$conf"
exec turnserver -c "$conf"
