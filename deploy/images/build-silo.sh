#!/usr/bin/env bash
# Builds the silo image boid/silo:<tag> with no registry:
#   1. boid/silo-base:1 — a root filesystem unpacked from Debian 12 packages (libc6, libgcc-s1, libstdc++6,
#      libssl3, zlib1g, ca-certificates, busybox-static) with `apt-get download` + `dpkg-deb -x`, brought in
#      with `docker import`. Why not the boid/busybox base: the .NET runtime is dynamically linked against
#      glibc, libstdc++ and OpenSSL (TLS, HTTPS, Npgsql SSL), which a busybox-static root does not have.
#      Why not debootstrap: it works too (debootstrap --variant=minbase bookworm), but is ~5x larger and
#      slower to build; these seven packages are all the runtime loads.
#   2. `dotnet publish src/Boid.Cli -c Release -r linux-x64 --self-contained` copied on top (no SDK, no
#      runtime in the image; InvariantGlobalization, so no ICU).
# Usage: deploy/images/build-silo.sh [tag]   (default tag: 1). Idempotent; --force-base rebuilds the base.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=${1:-1}
base=boid/silo-base:1

if [ "${FORCE_BASE:-}" = 1 ] || ! docker image inspect "$base" >/dev/null 2>&1; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/debs" "$work/root"
  packages="libc6 libgcc-s1 libstdc++6 libssl3 zlib1g ca-certificates busybox-static"
  (cd "$work/debs" && apt-get download $packages >/dev/null 2>&1) || {
    export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; (cd "$work/debs" && apt-get download $packages >/dev/null)
  }
  for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
  r=$work/root
  # Debian 12 is merged-/usr: the packages ship /lib64, /usr/lib; the loader looks in /lib64 and /lib.
  for d in bin lib lib64 sbin; do [ -e "$r/$d" ] || ln -s "usr/$d" "$r/$d"; done
  mkdir -p "$r/usr/bin" "$r/etc/ssl/certs" "$r/tmp" "$r/var/lib/boid" "$r/root"
  for applet in $("$r/bin/busybox" --list); do [ -e "$r/usr/bin/$applet" ] || ln -s busybox "$r/usr/bin/$applet"; done
  cp /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/" # ca-certificates' postinst does not run under dpkg-deb -x
  printf 'root:x:0:0:root:/root:/bin/sh\nboid:x:1000:1000:boid:/var/lib/boid:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$r/etc/passwd"
  printf 'root:x:0:\nboid:x:1000:\nnogroup:x:65534:\n' >"$r/etc/group"
  printf 'hosts: files dns\n' >"$r/etc/nsswitch.conf"
  chmod 1777 "$r/tmp"
  rm -rf "$r/usr/share/doc" "$r/usr/share/man" "$r/usr/share/locale" "$r/usr/share/lintian"
  tar -C "$r" -c . | docker import --change 'ENV PATH=/usr/bin:/bin' - "$base" >/dev/null
  echo "build-silo: built $base ($(docker image inspect -f '{{.Size}}' "$base" | awk '{printf "%.0f MB", $1/1e6}'))" >&2
fi

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
dotnet publish "$root/src/Boid.Cli/Boid.Cli.csproj" -c Release -r linux-x64 --self-contained \
  -p:PublishTrimmed=false -nologo -v q -clp:ErrorsOnly -o "$context/boid"
cp "$here/silo/Dockerfile" "$context/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "boid/silo:$tag" "$context" >/dev/null
echo "build-silo: built boid/silo:$tag ($(docker image inspect -f '{{.Size}}' "boid/silo:$tag" | awk '{printf "%.0f MB", $1/1e6}'))" >&2
