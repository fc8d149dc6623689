#!/usr/bin/env bash
# Builds boid/busybox, the base image of every example and test container, with no registry:
# a root filesystem made from Debian's busybox-static, brought in with `docker import`.
# Idempotent: skips the import when the image already exists (pass --force to rebuild).
set -euo pipefail

image=boid/busybox:1
if [ "${1:-}" != "--force" ] && docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi

busybox=/bin/busybox
if ! "$busybox" --list 2>/dev/null | grep -qx awk; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq busybox-static >/dev/null
fi
if ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked' && ! ldd "$busybox" 2>&1 | grep -q 'not a dynamic'; then
  echo "build-base: $busybox is not statically linked; install busybox-static" >&2
  exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,tmp,in,out,work}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"
chmod 0777 "$root/out"

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/bin' \
  --change 'WORKDIR /work' \
  --change 'USER 65534:65534' \
  - "$image" >/dev/null
echo "build-base: built $image" >&2
