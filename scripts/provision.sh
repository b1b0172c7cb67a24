#!/usr/bin/env bash
# Brings a machine of this kind to the state the tests need, reusing whatever is already there:
# Docker engine (no default bridge, no iptables: host networking only), compose, busybox-static,
# PostgreSQL and Redis running, node_modules installed, and the local base images built.
# Idempotent: safe to run before every test run.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[provision] %s\n' "$*"; }
need_root() { [ "$(id -u)" = 0 ] || { echo "[provision] $1 needs root: run 'sudo bash scripts/provision.sh'" >&2; exit 1; }; }

apt_updated=0
apt_install() {
  need_root "installing $*"
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The Debian engine lives in /usr/sbin; /usr/local/bin/docker on this kind of machine is only a client.
[ -x /usr/sbin/dockerd ] || { log "installing docker.io"; apt_install docker.io; }
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || { log "installing docker-compose"; apt_install docker-compose; }
# The base images copy /bin/busybox into containers, so it must be the static build.
dpkg -s busybox-static >/dev/null 2>&1 || { log "installing busybox-static"; apt_install busybox-static; }

if ! docker info >/dev/null 2>&1; then
  need_root "starting dockerd"
  log "starting dockerd --bridge=none --iptables=false"
  mkdir -p /var/log
  nohup /usr/sbin/dockerd --bridge=none --iptables=false >>/var/log/dockerd-ripcord.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "[provision] dockerd did not start; see /var/log/dockerd-ripcord.log" >&2; exit 1; }
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done
fi

# Reinstall only when the lockfile changed since the last install. An installed package has no
# lockfile (npm installed its dependencies with it): nothing to do there.
if [ ! -f package-lock.json ]; then
  log "node modules: installed with the package"
elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing node modules"
  # npm 11 can reject its own lockfile when it omitted other platforms' optional packages
  # (msgpackr-extract-*); then install from the same lockfile without rewriting it.
  npm ci --no-audit --no-fund --loglevel=error 2>/dev/null \
    || npm install --no-save --no-audit --no-fund --loglevel=error
fi

bash scripts/build-base-images.sh
log "ready"
