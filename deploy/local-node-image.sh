#!/usr/bin/env bash
# Builds local/node:20 from this host's node and npm, for machines with no image registry (the
# Ripcord image's base here: docker build --build-arg NODE_IMAGE=local/node:20 …). Elsewhere use
# the official node:20 image instead. Reuses the image when it exists.
set -euo pipefail
image=${1:-local/node:20}
if docker image inspect "$image" >/dev/null 2>&1; then echo "[node-image] $image ready"; exit 0; fi
node_bin=$(readlink -f "$(command -v node)")
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
[ -f "$npm_dir/package.json" ] || { echo "[node-image] npm not found next to $node_bin" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "[node-image] needs busybox-static: run bash scripts/provision.sh" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,usr/bin,usr/local/bin,usr/local/lib/node_modules,etc/ssl/certs,tmp,home/node}
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"; done
ln -s /bin/busybox "$root/usr/bin/env"   # npm's "#!/usr/bin/env node"
cp "$node_bin" "$root/usr/local/bin/node"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# node's shared libraries and the loader, as this host has them.
ldd "$node_bin" | awk '/=> \//{print $3} /^\s*\/lib/{print $1}' | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"
done
# npm talks TLS to its registry.
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' - "$image" >/dev/null
echo "[node-image] built $image from $node_bin ($("$node_bin" --version))"
