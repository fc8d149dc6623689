#!/usr/bin/env bash
# Makes sure Docker Engine is installed and its daemon answers. Idempotent.
# There is no systemd on these machines, so the daemon is started in the background by hand.
set -euo pipefail

if ! command -v dockerd >/dev/null 2>&1; then
  echo "ensure-docker: installing Docker Engine (Debian docker.io)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

if docker info >/dev/null 2>&1; then
  exit 0
fi

echo "ensure-docker: starting dockerd" >&2
mkdir -p /var/log
nohup dockerd >/var/log/boid-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 0.5
done
echo "ensure-docker: dockerd did not answer within 30 s; see /var/log/boid-dockerd.log" >&2
tail -20 /var/log/boid-dockerd.log >&2 || true
exit 1
