#!/usr/bin/env bash
# Makes sure a Docker engine answers for `make test-compose`: one that answers is used as it is; else, as root with
# Debian's docker.io installed (scripts/install-system-deps.sh with WITH_DOCKER=1) and no systemd to start it,
# dockerd is started in the background (log var/dockerd.log; it keeps running: `kill $(cat var/dockerd.pid)` stops it).
# Exit 0: an engine answers. Exit 3: none can be had here, with the reason (the compose tests then skip, saying so).
set -euo pipefail
cd "$(dirname "$0")/.."

if docker info >/dev/null 2>&1; then
  exit 0
fi
if ! command -v dockerd >/dev/null; then
  echo "docker-engine: no engine answers and dockerd is not installed (WITH_DOCKER=1 scripts/install-system-deps.sh)" >&2
  exit 3
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "docker-engine: no engine answers and only root may start dockerd here; start Docker, then rerun" >&2
  exit 3
fi
mkdir -p var
echo "docker-engine: starting dockerd (log var/dockerd.log)"
setsid nohup dockerd --log-level=warn >var/dockerd.log 2>&1 </dev/null &
echo $! >var/dockerd.pid
for _ in $(seq 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "docker-engine: dockerd did not answer within 60 s; var/dockerd.log says:" >&2
tail -20 var/dockerd.log >&2
exit 3
