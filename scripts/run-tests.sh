#!/usr/bin/env bash
# Runs the whole test suite. Server processes (Redis, the DynamoDB-API and S3-API servers, the fake Spotify server,
# the services themselves) are started by pytest fixtures on free loopback ports and stopped when the run ends.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONUNBUFFERED=1
exec .venv/bin/pytest "$@"
