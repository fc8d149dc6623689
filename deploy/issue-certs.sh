#!/usr/bin/env bash
# Issues the cluster's TLS material with openssl: one private CA, then one certificate per silo host.
#   deploy/issue-certs.sh DIR host1 [host2 …]   → DIR/ca.crt, DIR/ca.key, DIR/<host>/silo.{crt,key}
# A host name may be an IP address. Silos require each other's certificate to chain to ca.crt (mutual
# TLS); the API serves the same certificate over HTTPS. Keep ca.key offline; copy only ca.crt and the
# host's own silo.crt/silo.key to each host (/etc/boid/tls, owner boid, key mode 0600).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR host [host…]" >&2; exit 2; }
dir=$1; shift
mkdir -p "$dir"
if [ ! -f "$dir/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=Boid cluster CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  chmod 600 "$dir/ca.key"
fi
for host in "$@"; do
  mkdir -p "$dir/$host"
  if [[ $host =~ ^[0-9.]+$ ]]; then san="IP:$host"; else san="DNS:$host"; fi
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$host" \
    -keyout "$dir/$host/silo.key" -out "$dir/$host/silo.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$host/silo.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 825 \
    -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature\n' "$san") \
    -out "$dir/$host/silo.crt" 2>/dev/null
  rm "$dir/$host/silo.csr"
  chmod 600 "$dir/$host/silo.key"
  echo "issue-certs: $dir/$host/silo.crt ($san)" >&2
done
