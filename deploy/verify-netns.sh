#!/usr/bin/env bash
# Stands in for docs/deploy.md's "separate hosts" with network namespaces on one machine:
#   root namespace = database host (10.77.0.1, PostgreSQL), ns boid-d1/boid-d2 = dispatcher hosts
#   (10.77.0.2/.5), ns boid-w1/boid-w2 = worker hosts (10.77.0.3/.4), one bridge between them.
# Runs the pi example, kills -9 the dispatcher host that holds the job grain mid-job, and prints the
# failover times. Needs root, PostgreSQL from scripts/ensure-postgres.sh, the boid build and the example
# image. Cleans up after itself (namespaces, bridge, processes; PostgreSQL's listen address is restored).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
boid="dotnet $root/src/Boid.Cli/bin/${CONFIGURATION:-Release}/net10.0/boid.dll"
work=$(mktemp -d /tmp/boid-netns.XXXX)
db=boid_netns
export PGPASSWORD=boid
conn="Host=10.77.0.1;Username=boid;Password=boid;Database=$db"
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for n in d1 d2 w1 w2; do ip netns del boid-$n 2>/dev/null || true; done
  ip link del br-boid 2>/dev/null || true
  iptables -D FORWARD -i br-boid -o br-boid -j ACCEPT 2>/dev/null || true
  mkdir -p /tmp/boid-netns-logs && cp "$work"/*.log /tmp/boid-netns-logs/ 2>/dev/null || true
  su postgres -c "psql -qc \"ALTER SYSTEM RESET listen_addresses\"" >/dev/null && pg_ctlcluster 15 main restart
  rm -rf "$work"
}
trap cleanup EXIT

# The network: a bridge in the root namespace, one veth per "host".
ip link add br-boid type bridge && ip addr add 10.77.0.1/24 dev br-boid && ip link set br-boid up
# Docker sets the FORWARD policy to DROP, and bridged frames pass through it (br_netfilter): let the
# "hosts" talk to each other, as they would on a LAN.
iptables -I FORWARD -i br-boid -o br-boid -j ACCEPT 2>/dev/null || true
i=2
for n in d1 w1 w2 d2; do
  ip netns add boid-$n
  ip link add veth-$n type veth peer name eth0 netns boid-$n
  ip link set veth-$n master br-boid up
  ip -n boid-$n addr add 10.77.0.$i/24 dev eth0
  ip -n boid-$n link set eth0 up && ip -n boid-$n link set lo up
  i=$((i + 1))
done

# The database host: PostgreSQL listens on the bridge too.
su postgres -c "psql -qc \"ALTER SYSTEM SET listen_addresses = 'localhost,10.77.0.1'\"" >/dev/null
hba=/etc/postgresql/15/main/pg_hba.conf
grep -q '10.77.0.0/24' $hba || echo 'host all all 10.77.0.0/24 scram-sha-256' >>$hba
pg_ctlcluster 15 main restart
psql -h 127.0.0.1 -U boid -d boid -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
Boid__Postgres__ConnectionString=$conn $boid db init

host() { local n=$1; shift; ip netns exec boid-$n env Boid__Postgres__ConnectionString="$conn" Boid__Api__Token="$token" "$@" >"$work/$n.log" 2>&1 & pids+=($!); }
host d1 $boid dispatcher --data "$work/d1" --results "$work/results" --advertise 10.77.0.2 --api http://10.77.0.2:5080 --lease-ttl 10
host d2 $boid dispatcher --data "$work/d2" --results "$work/results" --advertise 10.77.0.5 --api http://10.77.0.5:5080 --lease-ttl 10
sleep 5
host w1 $boid worker --data "$work/w1" --results "$work/results" --advertise 10.77.0.3 --worker-id nsworkera --slots 2
host w2 $boid worker --data "$work/w2" --results "$work/results" --advertise 10.77.0.4 --worker-id nsworkerb --slots 2
for _ in $(seq 1 120); do
  [ "$(psql -h 127.0.0.1 -U boid -d $db -Atc 'select count(*) from orleans_membership where status = 3')" = 4 ] && break; sleep 1
done
psql -h 127.0.0.1 -U boid -d $db -Atc "select address || ':' || port || ' status ' || status from orleans_membership"

api() { ip netns exec boid-$1 curl -sf -H "Authorization: Bearer $token" "${@:2}"; }
for _ in $(seq 1 120); do api d1 http://10.77.0.2:5080/healthz >/dev/null && api d2 http://10.77.0.5:5080/healthz >/dev/null && break; sleep 1; done
api d1 -X POST --data-binary @"$root/examples/montecarlo-pi/protocol.yaml" http://10.77.0.2:5080/api/v1/protocols >/dev/null
sed 's/units: 200/units: 40/' "$root/examples/montecarlo-pi/job.yaml" >"$work/job.yaml"
job=$(api d1 -X POST --data-binary @"$work/job.yaml" http://10.77.0.2:5080/api/v1/jobs | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
echo "job $job submitted through 10.77.0.2"
accepted() { api "$1" "http://$2:5080/api/v1/jobs/$job" | sed -n 's/.*"accepted":\([0-9]*\).*/\1/p'; }
until [ "$(accepted d1 10.77.0.2)" -ge 8 ] 2>/dev/null; do sleep 0.2; done
before=$(accepted d1 10.77.0.2)
victim=d1; survivor=d2; survivor_ip=10.77.0.5
kill -9 "${pids[0]}"
t0=$(date +%s.%N)
echo "killed dispatcher host 10.77.0.2 at $before/40 accepted"
until [ "$(psql -h 127.0.0.1 -U boid -d $db -Atc "select status from orleans_membership where address = '10.77.0.2'")" = 6 ]; do sleep 0.1; done
t1=$(date +%s.%N)
until [ -n "$(accepted d2 $survivor_ip)" ]; do sleep 0.1; done
t2=$(date +%s.%N)
until [ "$(accepted d2 $survivor_ip)" -gt "$before" ] 2>/dev/null; do sleep 0.1; done
t3=$(date +%s.%N)
until api d2 "http://$survivor_ip:5080/api/v1/jobs/$job" | grep -q '"state":"Done"'; do sleep 0.5; done
t4=$(date +%s.%N)
printf 'declared dead after %.1f s; job answered by the survivor after %.1f s; units accepted again after %.1f s; job done %.1f s after the kill\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t0" | bc)" "$(echo "$t3 - $t0" | bc)" "$(echo "$t4 - $t0" | bc)"
api d2 "http://$survivor_ip:5080/api/v1/jobs/$job/result/result.json"
