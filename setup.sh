#!/usr/bin/env bash
# Sets up what this machine lacks for Parley: Debian packages (apt-get), npm packages, the build.
# Idempotent and quiet when everything is present; `npm start` and `npm test` run it first.
set -euo pipefail
cd "$(dirname "$0")"

say() { echo "setup: $*" >&2; }

# Debian packages: the command that proves each is present, and the package that brings it.
declare -A debian=(
  [prosody]="command -v prosody"
  [lua-unbound]="dpkg -s lua-unbound"
  [chromium]="command -v chromium"
  [firefox-esr]="command -v firefox-esr"
  [docker-compose]="command -v docker-compose"
  [coturn]="command -v turnserver"
  [iproute2]="command -v ip"
  [ffmpeg]="command -v ffmpeg"
  [fonts-dejavu-core]="test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
missing=()
for pkg in "${!debian[@]}"; do
  ${debian[$pkg]} >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  command -v apt-get >/dev/null || { say "missing ${missing[*]} and no apt-get here: install them with your package manager"; exit 1; }
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number);console.log(a>20||(a===20&&b>=10)?1:0)' 2>/dev/null || echo 0)
[ "$node_ok" = 1 ] || { say "Node.js >= 20.10 is needed (found: $(node --version 2>/dev/null || echo none))"; exit 1; }

# npm ci only when node_modules is absent or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

npx --no-install tsc -b >&2 || { say "build failed (npx tsc -b)"; exit 1; }
node packages/web/build-client.mjs >/dev/null || { say "web client build failed (node packages/web/build-client.mjs)"; exit 1; }
