#!/bin/sh
# As the official redis image does: a redis-server started with arguments only (Compose's command) and no password
# serves the container network, not just loopback (protected mode off; the network is the boundary).
set -e
if [ "${1:-}" = "redis-server" ]; then
  shift
  exec redis-server "$@" --protected-mode no
fi
exec "$@"
