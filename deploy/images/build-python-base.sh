#!/usr/bin/env bash
# Builds boid/python:2, the base of the examples that need Python 3, NumPy and matplotlib, with no
# registry: a minimal Debian root filesystem made by debootstrap (variant minbase), trimmed, and
# brought in with `docker import`. debootstrap fetches from the Debian mirror that apt on this machine
# is configured with; downloaded packages are kept in a cache (BOID_DEB_CACHE, default
# /var/cache/boid/debs), so a rebuild downloads nothing that has not changed.
#
# Rebuilt when its recipe changes: the image carries the hash of this script's commands (comments
# aside; label boid.recipe) and a present image with another hash is rebuilt, never reused. Bump the
# tag too when the examples' Dockerfiles must not run on an older base (two checkouts of different
# ages then keep one each). Idempotent otherwise; pass --force to rebuild anyway.
#
# Why two steps: Debian's python3-matplotlib declares hard dependencies that a plotting unit never
# loads — python3-pil.imagetk pulls Tk and X11, python3-fonttools pulls SymPy, lxml and (through its
# first alternative, which debootstrap always takes) SciPy with a whole C/C++ toolchain, about 870 MB
# installed; python3-pil's first alternative, mime-support, pulls Perl (47 MB). Step 1 debootstraps
# Python, NumPy and every library matplotlib and Pillow load (with their own dependencies); step 2
# installs python3-matplotlib, python3-fonttools and python3-pil with dpkg --force-depends, then
# checks that every shared object resolves and that a plot renders (PNG and PDF) in the sandbox the
# workers use.
set -euo pipefail

image=boid/python:2
recipe=$(grep -v '^[[:space:]]*#' "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)
if [ "${1:-}" != "--force" ] &&
   [ "$(docker image inspect -f '{{index .Config.Labels "boid.recipe"}}' "$image" 2>/dev/null)" = "$recipe" ]; then
  exit 0
fi
started=$(date +%s)

# Step 1 (debootstrap resolves their dependencies): the interpreter, NumPy, matplotlib's pure-Python
# and compiled dependencies, FreeType, Qhull, the fonts, and the libraries Pillow links (matplotlib
# writes PNG through Pillow).
include=python3-minimal,python3,python3-numpy,python3-dateutil,python3-pyparsing,python3-cycler,\
python3-kiwisolver,python3-packaging,python3-contourpy,python3-six,python3-brotli,\
python-matplotlib-data,fonts-dejavu-core,libfreetype6,libqhull-r8.0,\
libimagequant0,libjpeg62-turbo,liblcms2-2,libopenjp2-7,libraqm0,libtiff6,libwebp7,libwebpdemux2,libwebpmux3,libxcb1,zlib1g
# Step 2 (dpkg --force-depends; see above for what their unmet dependencies are).
forced="python3-matplotlib python3-fonttools python3-pil"

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
arch=$(dpkg --print-architecture)
cache=${BOID_DEB_CACHE:-/var/cache/boid/debs}
mkdir -p "$cache/$suite"

root=$(mktemp -d)
cleanup() {
  # debootstrap mounts /proc and /sys in the new root; never delete through a mount.
  for m in proc/sys/fs/binfmt_misc proc sys dev/pts dev; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$root" "$root.log"
}
trap cleanup EXIT
echo "build-python-base: debootstrap $suite from $mirror (a few minutes the first time)" >&2
if ! debootstrap --variant=minbase --cache-dir="$cache/$suite" --include="$include" \
      "$suite" "$root" "$mirror" >"$root.log" 2>&1; then
  tail -n 30 "$root.log" >&2
  exit 1
fi

# Step 2: the .debs of the machine's apt (same mirror and release), cached by version.
debs=()
for package in $forced; do
  version=$(apt-cache show --no-all-versions "$package" 2>/dev/null | awk '/^Version:/ {print $2; exit}')
  if [ -z "$version" ]; then
    apt-get update -qq
    version=$(apt-cache show --no-all-versions "$package" | awk '/^Version:/ {print $2; exit}')
  fi
  deb="$cache/$suite/${package}_${version/:/%3a}_$arch.deb"
  [ -s "$deb" ] || (cd "$cache/$suite" && apt-get download -qq -o APT::Sandbox::User=root "$package=$version")
  debs+=("$deb")
done
dpkg --root="$root" --force-depends --install "${debs[@]}" >>"$root.log" 2>&1 || { tail -n 30 "$root.log" >&2; exit 1; }
missing=$(chroot "$root" sh -c 'find /usr/lib/python3/dist-packages -name "*.so" -exec ldd {} + | grep "not found" | sort -u' || true)
if [ -n "$missing" ]; then
  echo "build-python-base: shared libraries missing in the image:" >&2
  echo "$missing" >&2
  exit 1
fi

# Trim what a sandboxed unit never uses: package caches and lists, documentation, locales, the
# libraries' own test suites. The package database stays so the image can be inspected.
rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/* \
       "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
       "$root"/usr/share/locale/* "$root"/usr/share/lintian
find "$root"/usr/lib/python3/dist-packages/{numpy,matplotlib,mpl_toolkits} -type d -name tests -prune -exec rm -rf {} +
# glibc's iconv modules (Python has its own codecs) and parts of the standard library a batch unit
# has no use for (GUI, IDE, demo, packaging bootstrap, 2to3).
rm -rf "$root"/usr/lib/*-linux-gnu/gconv \
       "$root"/usr/lib/python3.11/{idlelib,tkinter,turtledemo,ensurepip,lib2to3,pydoc_data}
mkdir -p "$root"/in "$root"/out "$root"/work
chmod 0777 "$root"/out
chmod 1777 "$root"/tmp

# matplotlib: the Agg backend (no display), and its font cache in /tmp — in a unit the root file
# system is read-only, HOME does not exist, and /tmp is the container's own tmpfs.
candidate="$image-candidate-$$"
tar -C "$root" --one-file-system -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV PYTHONDONTWRITEBYTECODE=1' \
  --change 'ENV PYTHONUNBUFFERED=1' \
  --change 'ENV MPLBACKEND=Agg' \
  --change 'ENV MPLCONFIGDIR=/tmp/matplotlib' \
  --change "LABEL boid.recipe=$recipe" \
  --change 'WORKDIR /work' \
  --change 'USER 65534:65534' \
  - "$candidate" >/dev/null

# A plot with text, in the sandbox the workers use: read-only root, tmpfs /tmp, no network, nobody.
if ! docker run --rm --read-only --tmpfs /tmp:rw,nosuid,nodev,size=64m,mode=1777 --network none \
     --cap-drop ALL --security-opt no-new-privileges --user 65534:65534 "$candidate" python3 -c '
import io, matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot([0, 1], [0, 1]); ax.set_xlabel("x"); ax.set_title("check")
png, pdf = io.BytesIO(), io.BytesIO()
fig.savefig(png, format="png"); fig.savefig(pdf, format="pdf")
assert png.getvalue()[:8] == b"\x89PNG\r\n\x1a\n" and pdf.getvalue()[:5] == b"%PDF-"' >>"$root.log" 2>&1; then
  tail -n 30 "$root.log" >&2
  docker rmi "$candidate" >/dev/null
  exit 1
fi
docker tag "$candidate" "$image"
docker rmi "$candidate" >/dev/null
size=$(docker image inspect --format '{{.Size}}' "$image")
echo "build-python-base: built $image ($((size / 1000000)) MB) in $(( $(date +%s) - started )) s" >&2
