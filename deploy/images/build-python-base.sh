#!/usr/bin/env bash
# Builds boid/python:1, the base of the examples that need Python 3 and NumPy, with no registry:
# a minimal Debian root filesystem made by debootstrap (variant minbase, plus python3-minimal,
# python3 and python3-numpy), trimmed, and brought in with `docker import`.
# debootstrap fetches from the Debian mirror that apt on this machine is configured with.
# Idempotent: skips the build when the image already exists (pass --force to rebuild).
set -euo pipefail

image=boid/python:1
if [ "${1:-}" != "--force" ] && docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi
started=$(date +%s)

export DEBIAN_FRONTEND=noninteractive
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq debootstrap >/dev/null
fi

# The machine's own Debian mirror and release: the first http(s) source for .../debian (not -security).
mirror=$(
  { grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
    grep -hE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; break}}'
  } | grep -E '/debian/?$' | head -n 1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")

root=$(mktemp -d)
cleanup() {
  # debootstrap mounts /proc and /sys in the new root; never delete through a mount.
  for m in proc/sys/fs/binfmt_misc proc sys dev/pts dev; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$root" "$root.log"
}
trap cleanup EXIT
echo "build-python-base: debootstrap $suite from $mirror (a few minutes)" >&2
if ! debootstrap --variant=minbase --include=python3-minimal,python3,python3-numpy \
      "$suite" "$root" "$mirror" >"$root.log" 2>&1; then
  tail -n 30 "$root.log" >&2
  exit 1
fi

# Trim what a sandboxed unit never uses: package caches and lists, documentation, locales,
# NumPy's own test suites. The package database stays so the image can be inspected.
rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/* \
       "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
       "$root"/usr/share/locale/* "$root"/usr/share/lintian
find "$root"/usr/lib/python3/dist-packages/numpy -type d -name tests -prune -exec rm -rf {} +
# glibc's iconv modules (Python has its own codecs) and parts of the standard library a batch unit
# has no use for (GUI, IDE, demo, packaging bootstrap, 2to3).
rm -rf "$root"/usr/lib/x86_64-linux-gnu/gconv \
       "$root"/usr/lib/python3.11/{idlelib,tkinter,turtledemo,ensurepip,lib2to3,pydoc_data}
mkdir -p "$root"/in "$root"/out "$root"/work
chmod 0777 "$root"/out
chmod 1777 "$root"/tmp

tar -C "$root" --one-file-system -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV PYTHONDONTWRITEBYTECODE=1' \
  --change 'ENV PYTHONUNBUFFERED=1' \
  --change 'WORKDIR /work' \
  --change 'USER 65534:65534' \
  - "$image" >/dev/null
size=$(docker image inspect --format '{{.Size}}' "$image")
echo "build-python-base: built $image ($((size / 1000000)) MB) in $(( $(date +%s) - started )) s" >&2
