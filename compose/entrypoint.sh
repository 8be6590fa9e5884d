#!/bin/sh
# Entry point of the parley-node image: `init`, or a service (focus, bridge, web) run with the
# secret variables the init service wrote for it (/run/parley/env/<service>.env).
set -eu
svc="${1:-web}"
case "$svc" in
  init)
    exec node compose/init.mjs ;;
  focus|bridge|web)
    f="/run/parley/env/$svc.env"
    if [ ! -r "$f" ]; then
      echo "parley $svc: $f is missing: the init service makes it (docker compose up init)" >&2
      exit 1
    fi
    set -a; . "$f"; set +a
    case "$svc" in
      web) exec node packages/web/dist/server/main.js ;;
      *) exec node "packages/$svc/dist/main.js" ;;
    esac ;;
  *)
    exec "$@" ;;
esac
