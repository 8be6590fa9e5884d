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
  # Relay only UDP, and only to the bridge's advertised addresses: no TCP relay (RFC 6062), no
  # loopback, private, link-local or multicast peer (coturn checks allowed-peer-ip first).
  echo "no-tcp-relay"
  echo "no-multicast-peers"
  echo "denied-peer-ip=0.0.0.0-255.255.255.255"
  echo "denied-peer-ip=::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
  for a in $(echo "${ADVERTISE:?}" | tr ',' ' '); do echo "allowed-peer-ip=$a"; done
  echo "log-file=stdout"
} > "$conf"
exec turnserver -c "$conf"
