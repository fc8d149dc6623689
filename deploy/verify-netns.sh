#!/usr/bin/env bash
# Stands in for docs/deploy.md's "separate hosts" with network namespaces on one machine:
#   root namespace = database host (10.77.0.1, PostgreSQL), ns boid-d1/boid-d2 = dispatcher hosts
#   (10.77.0.2/.5), ns boid-w1/boid-w2 = worker hosts (10.77.0.3/.4), one bridge between them.
# Runs the pi example through a dispatcher's API over the bridge, kills -9 every process of the dispatcher
# host that holds the job grain mid-job, checks that the job completes on the survivor with every unit, and
# prints the failover times. BOID_TLS=1 (or --tls) does the same with certificates from deploy/issue-certs.sh:
# TLS between silos and the API over HTTPS. Results are one directory every "host" sees (--results): on
# real hosts that is the NFS mount docs/deploy.md describes.
# Needs root, PostgreSQL from scripts/ensure-postgres.sh, Docker, the boid build and the example image
# (deploy/images/build-examples.sh). Cleans up after itself (namespaces, bridge, processes; PostgreSQL's
# listen address is restored). BOID_UNITS / BOID_SAMPLES size the job (default 40 units of 1,000,000 samples:
# long enough that the kill lands mid-job on a 2-core machine).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tls=${BOID_TLS:-0}
[ "${1:-}" = --tls ] && tls=1
units=${BOID_UNITS:-40}
samples=${BOID_SAMPLES:-1000000}
boid="dotnet $root/src/Boid.Cli/bin/${CONFIGURATION:-Release}/net10.0/boid.dll"
work=$(mktemp -d /tmp/boid-netns.XXXX)
db=boid_netns
export PGPASSWORD=boid
conn="Host=10.77.0.1;Username=boid;Password=boid;Database=$db"
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
pids=()

# The processes in a "host's" network namespace, never one of the real host's: should the name be bound to the
# root namespace (a half-done `ip netns add`), `ip netns pids` would list every process here, dockerd and
# PostgreSQL included.
host_pids() {
  local root_ns
  root_ns=$(readlink /proc/self/ns/net)
  for p in $(ip netns pids "boid-$1" 2>/dev/null); do
    [ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" != "$root_ns" ] && echo "$p"
  done
  return 0
}

teardown() {
  for n in d1 d2 w1 w2; do
    # Whatever a "host" still runs (the script's own processes are killed before this).
    host_pids $n | xargs -r kill -9 2>/dev/null || true
    ip netns del boid-$n 2>/dev/null || true
    # A deleted namespace can outlive its name for a while (the kernel frees it when its last socket is
    # gone), and with it the veth pair: deleting our end removes both.
    ip link del veth-$n 2>/dev/null || true
  done
  ip link del br-boid 2>/dev/null || true
  while iptables -D FORWARD -i br-boid -o br-boid -j ACCEPT 2>/dev/null; do :; done
}
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  teardown
  mkdir -p /tmp/boid-netns-logs && cp "$work"/*.log /tmp/boid-netns-logs/ 2>/dev/null || true
  su postgres -c "psql -qc \"ALTER SYSTEM RESET listen_addresses\"" >/dev/null && pg_ctlcluster 15 main restart
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "verify-netns: $*" >&2; echo "logs: /tmp/boid-netns-logs/{d1,d2,w1,w2}.log" >&2; exit 1; }
# within SECONDS WHAT COMMAND…: polls COMMAND every 0.1 s; a timeout says what it waited for.
within() {
  local end=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do [ $SECONDS -lt $end ] || fail "waited for $what"; sleep 0.1; done
}

teardown # leftovers of an interrupted run
# The network: a bridge in the root namespace, one veth per "host".
ip link add br-boid type bridge && ip addr add 10.77.0.1/24 dev br-boid && ip link set br-boid up
# Docker sets the FORWARD policy to DROP, and bridged frames pass through it (br_netfilter): let the
# "hosts" talk to each other, as they would on a LAN.
iptables -I FORWARD -i br-boid -o br-boid -j ACCEPT 2>/dev/null || true
declare -A ip=([d1]=10.77.0.2 [w1]=10.77.0.3 [w2]=10.77.0.4 [d2]=10.77.0.5)
for n in d1 w1 w2 d2; do
  ip netns add boid-$n
  ip link add veth-$n type veth peer name eth0 netns boid-$n
  ip link set veth-$n master br-boid up
  ip -n boid-$n addr add "${ip[$n]}/24" dev eth0
  ip -n boid-$n link set eth0 up && ip -n boid-$n link set lo up
done

# Certificates as docs/deploy.md issues them: one CA, one certificate per host address.
scheme=http
curl_tls=()
tls_args() { :; }
if [ "$tls" = 1 ]; then
  "$root/deploy/issue-certs.sh" "$work/pki" "${ip[d1]}" "${ip[d2]}" "${ip[w1]}" "${ip[w2]}" 2>/dev/null
  scheme=https
  curl_tls=(--cacert "$work/pki/ca.crt")
  tls_args() { echo --tls-cert "$work/pki/${ip[$1]}/silo.crt" --tls-key "$work/pki/${ip[$1]}/silo.key" --tls-ca "$work/pki/ca.crt"; }
fi

# The database host: PostgreSQL listens on the bridge too.
su postgres -c "psql -qc \"ALTER SYSTEM SET listen_addresses = 'localhost,10.77.0.1'\"" >/dev/null
hba=/etc/postgresql/15/main/pg_hba.conf
grep -q '10.77.0.0/24' $hba || echo 'host all all 10.77.0.0/24 scram-sha-256' >>$hba
pg_ctlcluster 15 main restart
psql -h 127.0.0.1 -U boid -d boid -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
Boid__Postgres__ConnectionString=$conn $boid db init

# A "host" is its network namespace only. Not `ip netns exec`: that also gives the process a mount namespace of
# its own, and the tmpfs a worker mounts for a unit's /out would then be invisible to dockerd, which shares the
# worker's mounts on a real host (the container sees the bare directory and cannot write its output).
on() { local n=$1; shift; nsenter --net=/run/netns/boid-$n "$@"; }
host() { local n=$1; shift; on $n env Boid__Postgres__ConnectionString="$conn" Boid__Api__Token="$token" "$@" >"$work/$n.log" 2>&1 & pids+=($!); disown; }
for n in d1 d2; do
  # shellcheck disable=SC2046 # tls_args prints separate arguments (paths without spaces: mktemp)
  host $n $boid dispatcher --data "$work/$n" --results "$work/results" --advertise "${ip[$n]}" \
    --api "$scheme://${ip[$n]}:5080" --lease-ttl 10 $(tls_args $n)
done
sleep 5
host w1 $boid worker --data "$work/w1" --results "$work/results" --advertise "${ip[w1]}" --worker-id nsworkera --slots 2 $(tls_args w1)
host w2 $boid worker --data "$work/w2" --results "$work/results" --advertise "${ip[w2]}" --worker-id nsworkerb --slots 2 $(tls_args w2)
members() { psql -h 127.0.0.1 -U boid -d $db -Atc "$1"; }
formed() { [ "$(members 'select count(*) from orleans_membership where status = 3')" = 4 ]; }
within 180 "four active silos in the membership table" formed
members "select address || ':' || port || ' status ' || status from orleans_membership order by address"

# The API takes job specs and protocols as YAML (or JSON) text and says so: a POST with curl's default
# form content type is answered 415, hence the explicit Content-Type.
api() { on $1 curl -sSf "${curl_tls[@]}" -H "Authorization: Bearer $token" "${@:2}"; }
post() { api "$1" -X POST -H 'Content-Type: application/yaml' --data-binary @"$2" "$3"; }
url() { echo "$scheme://${ip[$1]}:5080${2:-}"; }
healthy() { api d1 "$(url d1 /healthz)" >/dev/null 2>&1 && api d2 "$(url d2 /healthz)" >/dev/null 2>&1; }
within 120 "both dispatcher APIs to answer /healthz" healthy
post d1 "$root/examples/montecarlo-pi/protocol.yaml" "$(url d1 /api/v1/protocols)" >/dev/null
sed -e "s/units: 200/units: $units/" -e "s/\"200000\"/\"$samples\"/" "$root/examples/montecarlo-pi/job.yaml" >"$work/job.yaml"
job=$(post d1 "$work/job.yaml" "$(url d1 /api/v1/jobs)" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$job" ] || fail "the job submission answered no job id"
echo "job $job ($units units) submitted through ${ip[d1]} over $scheme"

# Which dispatcher holds the job grain: the one whose log has the grain's own "Job … submitted" line
# (the API host forwards the call wherever placement put the grain).
holder() { for n in d1 d2; do grep -q "Job $job submitted" "$work/$n.log" && victim=$n && return 0; done; return 1; }
within 10 "a dispatcher log to show job $job's grain" holder
survivor=$([ $victim = d1 ] && echo d2 || echo d1)

field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
accepted() { api "$1" "$(url "$1" "/api/v1/jobs/$job")" 2>/dev/null | field accepted; }
mid_job() {
  local view; view=$(api $victim "$(url $victim "/api/v1/jobs/$job")" 2>/dev/null) || return 1
  echo "$view" | grep -Eq '"state":"(Failed|Cancelled)"' && fail "job $job ended before the kill: $view"
  before=$(echo "$view" | field accepted) && [ "${before:-0}" -ge 8 ]
}
within 300 "8 accepted units before the kill" mid_job
[ "$before" -lt "$units" ] || fail "the job finished before the kill"
host_pids $victim | xargs -r kill -9
t0=$(date +%s.%N)
echo "killed every process on dispatcher host ${ip[$victim]} (holds job/$job) at $before/$units accepted"

dead() { [ "$(members "select status from orleans_membership where address = '${ip[$victim]}'")" = 6 ]; }
within 120 "the survivors to declare ${ip[$victim]} dead" dead
t1=$(date +%s.%N)
answers() { first=$(accepted $survivor) && [ -n "$first" ]; }
within 120 "the job grain to answer on the survivor" answers
t2=$(date +%s.%N)
# Progress again: the reactivated grain accepts a unit it had not counted when it first answered.
[ "$first" -lt "$units" ] || fail "every unit was accepted before the job grain answered again; no progress to time"
progressed() { [ "$(accepted $survivor)" -gt "$first" ] 2>/dev/null; }
within 120 "a unit accepted after the failover" progressed
t3=$(date +%s.%N)
finished() { view=$(api $survivor "$(url $survivor "/api/v1/jobs/$job")") && echo "$view" | grep -Eq '"state":"(Done|Failed|Cancelled)"'; }
within 600 "job $job to finish" finished
t4=$(date +%s.%N)
echo "$view"
echo "$view" | grep -q '"state":"Done"' || fail "job $job ended $(echo "$view" | sed -n 's/.*"state":"\([^"]*\)".*/\1/p')"
[ "$(echo "$view" | field accepted)" = "$units" ] || fail "job $job accepted $(echo "$view" | field accepted) units, not $units"
[ "$(echo "$view" | field failed)" = 0 ] || fail "job $job has failed units"
result=$(api $survivor "$(url $survivor "/api/v1/jobs/$job/result/result.json")")
echo "$result"
echo "$result" | grep -Eq "\"units\": *$units[,}]" || fail "result.json does not pool $units units"
# The researcher's CLI reads the job too; over HTTPS it trusts the private CA through SSL_CERT_FILE (.NET on
# Linux takes its root store from OpenSSL's locations, which that variable overrides).
cli_env=(BOID_API="$(url $survivor)")
[ "$tls" = 1 ] && cli_env+=(SSL_CERT_FILE="$work/pki/ca.crt")
on $survivor env "${cli_env[@]}" $boid status "$job" --json | grep -q '"state": *"Done"' || fail "boid status did not show job $job Done"
printf 'failover (%s): declared dead %.1f s; job grain answered on the survivor %.1f s; units accepted again %.1f s; job done %.1f s after the kill\n' \
  "$scheme" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t0" | bc)" "$(echo "$t3 - $t0" | bc)" "$(echo "$t4 - $t0" | bc)"
