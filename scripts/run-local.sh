#!/usr/bin/env bash
# `make run`: the whole stack as local processes under our supervisor (scripts/supervise.py reads the Procfile and
# restarts a process that dies, with backoff): inference :8001, playlist :8002,
# feedback :8003, gateway :8000. Embedded defaults serve one person (SQLite ratings, in-process sessions);
# PRESSEDPLAY_SERVERS=redis,dynamodb also starts a local redis-server / dynalite and points the services at them,
# and GATEWAY_REDIS_URL, FEEDBACK_STORE=dynamodb (+ FEEDBACK_DYNAMODB_ENDPOINT_URL), INFERENCE_MODEL_URI=s3://...
# reach real ones. PRESSEDPLAY_SPOTIFY=fake also starts the fake Spotify dev server on 127.0.0.1:8005 (a demo user,
# sign-in approved at once) and points the playlist service at it; SPOTIFY_CLIENT_ID (+ the redirect URI
# http://127.0.0.1:8000/v1/auth/callback registered in the Spotify dashboard) talks to the real Spotify instead.
# A process that exits is restarted (0.5 s, doubling up to 8 s); Ctrl-C stops every process.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" PYTHONUNBUFFERED=1
# The internal services answer only callers with this token (the gateway sends it; /healthz and /readyz stay open):
# a fresh random one per `make run` unless one is set.
PRESSEDPLAY_SERVICE_TOKEN="${PRESSEDPLAY_SERVICE_TOKEN:-$(python -c 'import secrets; print(secrets.token_urlsafe(32))')}"
export PRESSEDPLAY_SERVICE_TOKEN

procfile=Procfile
servers=",${PRESSEDPLAY_SERVERS:-},"
spotify="${PRESSEDPLAY_SPOTIFY:-}"
if [[ -n $spotify && $spotify != fake ]]; then
  echo "PRESSEDPLAY_SPOTIFY must be 'fake' or unset (for the real Spotify set SPOTIFY_CLIENT_ID)" >&2
  exit 2
fi
if [[ $servers == *,redis,* || $servers == *,dynamodb,* || $spotify == fake ]]; then
  mkdir -p var
  procfile=var/Procfile.local
  cp Procfile "$procfile"
  if [[ $servers == *,redis,* ]]; then
    export GATEWAY_REDIS_URL="redis://127.0.0.1:${REDIS_PORT:-6379}/0"
    # Persistent (append-only file under var/redis, fsync every second) and capped: volatile-ttl evicts the keys
    # closest to expiry first, so short-lived caches (sign-in states, genre profiles) go before playlists, and
    # Spotify tokens (30 days) last; see docs/reliability.md.
    mkdir -p var/redis
    echo "redis: redis-server --port ${REDIS_PORT:-6379} --bind 127.0.0.1 --dir var/redis --appendonly yes --appendfsync everysec --save '' --maxmemory ${REDIS_MAXMEMORY:-256mb} --maxmemory-policy volatile-ttl" >>"$procfile"
  fi
  if [[ $servers == *,dynamodb,* ]]; then
    export FEEDBACK_STORE=dynamodb FEEDBACK_DYNAMODB_ENDPOINT_URL="http://127.0.0.1:${DYNAMODB_PORT:-8004}"
    export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}"
    export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
    mkdir -p var/dynamodb
    echo "dynamodb: tools/dynamodb/node_modules/.bin/dynalite --host 127.0.0.1 --port ${DYNAMODB_PORT:-8004} --path var/dynamodb" >>"$procfile"
  fi
  if [[ $spotify == fake ]]; then
    port="${SPOTIFY_FAKE_PORT:-8005}"
    export PLAYLIST_SPOTIFY_CLIENT_ID=pressedplay-dev
    export PLAYLIST_SPOTIFY_ACCOUNTS_URL="http://127.0.0.1:$port" PLAYLIST_SPOTIFY_API_URL="http://127.0.0.1:$port/v1/"
    echo "spotify: python -m tests.fakes.spotify_dev --port $port" >>"$procfile"
  fi
fi
if [[ $servers == *,redis,* ]]; then
  export PLAYLIST_REDIS_URL="${PLAYLIST_REDIS_URL:-$GATEWAY_REDIS_URL}"
fi

if [[ -z ${INFERENCE_MODEL_URI:-} && ! -f models/effnet-vae.pt ]]; then
  echo "warning: models/effnet-vae.pt is missing (train it, or set INFERENCE_MODEL_URI): inference will answer 503" >&2
fi

url="http://${GATEWAY_HOST:-127.0.0.1}:${GATEWAY_PORT:-8000}"
if [[ $spotify == fake ]]; then
  spotify_shown="the fake on http://127.0.0.1:${SPOTIFY_FAKE_PORT:-8005}: sign in at $url/v1/auth/login as its demo user"
elif [[ -n ${SPOTIFY_CLIENT_ID:-${PLAYLIST_SPOTIFY_CLIENT_ID:-}} ]]; then
  spotify_shown="Spotify (client id set): sign in at $url/v1/auth/login"
else
  spotify_shown="off (PRESSEDPLAY_SPOTIFY=fake for the local fake, or SPOTIFY_CLIENT_ID for Spotify)"
fi
cat <<BANNER
PRESSED / PLAY is starting (Ctrl-C stops everything); a "ready: open $url" line follows once every service is:
  web page  $url
  API docs  $url/docs
  sessions  ${GATEWAY_REDIS_URL:-in-process}    ratings  ${FEEDBACK_STORE:-sqlite}
  spotify   $spotify_shown
  logs      lines for a person (PRESSEDPLAY_LOG_FORMAT=json for JSON lines)
BANNER
exec python scripts/supervise.py --procfile "$procfile" --ready-url "$url/readyz" --ready-line "ready: open $url"
