#!/usr/bin/env bash
# Installs the system packages the tests and `make run` need, only when they are missing (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
# The browser tests (tests/browser) drive Debian's chromium through Playwright, never `playwright install`; a font
# so the page's text renders.
command -v chromium >/dev/null || need+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# `make test-compose` (WITH_DOCKER=1): a Docker engine, and debootstrap for the local stand-in base images.
if [ -n "${WITH_DOCKER:-}" ]; then
  command -v dockerd >/dev/null || need+=(docker.io)
  command -v debootstrap >/dev/null || need+=(debootstrap)
fi

if ((${#need[@]})); then
  echo "installing system packages: ${need[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# The DynamoDB-API server (dynalite) for tests and `make run` with PRESSEDPLAY_SERVERS=dynamodb: pinned by
# tools/dynamodb/package-lock.json, reinstalled only when the lock file changes.
stamp=tools/dynamodb/node_modules/.installed-stamp
if [ ! -e "$stamp" ] || [ tools/dynamodb/package-lock.json -nt "$stamp" ]; then
  echo "installing tools/dynamodb (npm ci)"
  (cd tools/dynamodb && npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi

# The TypeScript client of the gateway (clients/typescript: openapi-typescript, openapi-fetch, typescript), pinned by
# its package-lock.json; tests/contract and tests/e2e regenerate, type-check and run it.
stamp=clients/typescript/node_modules/.installed-stamp
if [ ! -e "$stamp" ] || [ clients/typescript/package-lock.json -nt "$stamp" ]; then
  echo "installing clients/typescript (npm ci)"
  (cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi
