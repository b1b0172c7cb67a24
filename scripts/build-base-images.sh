#!/usr/bin/env bash
# Builds the local base images the tests and the reference stack use, because no registry is
# reachable here: local/busybox:1 (busybox-static + applets) and local/postgres:15 (the host's
# PostgreSQL 15 binaries and their libraries + busybox). Reuses images that already exist.
set -euo pipefail

have() { docker image inspect "$1" >/dev/null 2>&1; }
log() { printf '[base-images] %s\n' "$*"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

applets() { # $1 = rootfs
  mkdir -p "$1/bin" "$1/usr/bin" "$1/sbin"
  cp /bin/busybox "$1/bin/busybox"
  for a in $(/bin/busybox --list); do
    [ -e "$1/bin/$a" ] || ln -s busybox "$1/bin/$a"
  done
}

if ! have local/busybox:1; then
  log "building local/busybox:1"
  root="$work/busybox"
  applets "$root"
  mkdir -p "$root"/{etc,tmp,www,var/www} && chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -c . | docker import --change 'ENV PATH=/bin:/usr/bin:/sbin' --change 'CMD ["/bin/sh"]' - local/busybox:1 >/dev/null
fi

if ! have local/postgres:15; then
  log "building local/postgres:15"
  root="$work/postgres"
  pg=/usr/lib/postgresql/15
  applets "$root"
  mkdir -p "$root$pg" "$root/usr/share/postgresql" "$root/etc" "$root/tmp" "$root/var/run/postgresql" "$root/var/lib/postgresql"
  cp -a "$pg/bin" "$pg/lib" "$root$pg/"
  cp -a /usr/share/postgresql/15 "$root/usr/share/postgresql/"
  # Every shared library the binaries and their modules need, with the loader.
  for f in "$pg"/bin/* "$pg"/lib/*.so; do ldd "$f" 2>/dev/null || true; done \
    | awk '/=> \//{print $3} /^\s*\/lib/{print $1}' | sort -u | while read -r lib; do
      mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"
    done
  # Locale and time zone data initdb reads.
  [ -d /usr/share/zoneinfo ] && mkdir -p "$root/usr/share" && cp -a /usr/share/zoneinfo "$root/usr/share/" || true
  printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\npostgres:x:999:\n' >"$root/etc/group"
  find "$root" -type d -exec chmod 755 {} +
  chmod 1777 "$root/tmp"
  chown 999:999 "$root/var/run/postgresql" "$root/var/lib/postgresql"
  tar -C "$root" -c . | docker import \
    --change "ENV PATH=$pg/bin:/bin:/usr/bin:/sbin" \
    --change 'ENV LANG=C' \
    --change 'CMD ["/bin/sh"]' - local/postgres:15 >/dev/null
fi
log "local/busybox:1 and local/postgres:15 ready"
