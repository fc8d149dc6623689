#!/usr/bin/env bash
# Installs and starts a one-node Slurm (Debian's slurm-wlm) on this machine, tuned for many short jobs,
# so that `boid bench` can run the same trivial command as a Slurm job array beside Boid.
# Not run by CI. Idempotent: rewrites the configuration and restarts the daemons.
#
# Tuning (stock settings give < 1 trivial job/s):
#   SchedulerParameters=batch_sched_delay=0,...  schedule array tasks as soon as they are submitted
#   Epilog=/etc/slurm/epilog.sh (a no-op)         with an Epilog, slurmd reports job end without the default delay
#   ProctrackType=proctrack/linuxproc, TaskPlugin=task/none: no cgroups (none here; no systemd)
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge >/dev/null
fi

host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /var/lib/munge /var/log/munge
chown -R slurm:slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm 2>/dev/null || true

cat >/etc/slurm/epilog.sh <<'EPI'
#!/bin/sh
exit 0
EPI
chmod 755 /etc/slurm/epilog.sh

cat >/etc/slurm/slurm.conf <<CONF
# One-node Slurm for boid bench (bench/slurm-setup.sh writes this file).
ClusterName=boidbench
SlurmctldHost=${host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,default_queue_depth=1000
Epilog=/etc/slurm/epilog.sh
MaxArraySize=100001
MaxJobCount=200000
MinJobAge=2
SlurmctldDebug=error
SlurmdDebug=error
NodeName=${host} CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=bench Nodes=${host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF

# munge: a key, then the daemon (no systemd here).
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 400 /etc/munge/munge.key
pkill_pidfile() { [ -s "$1" ] && kill "$(cat "$1")" 2>/dev/null || true; }
if ! munge -n >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged --force
fi

# Restart the Slurm daemons with this configuration (only those this script started: by pid file).
pkill_pidfile /run/slurmctld.pid
pkill_pidfile /run/slurmd.pid
sleep 1
/usr/sbin/slurmctld -c -i
/usr/sbin/slurmd
for _ in $(seq 1 40); do
  if sinfo -h -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then
    sinfo
    exit 0
  fi
  sleep 0.5
done
echo "slurm-setup: the node did not come up; see /var/log/slurm/" >&2
sinfo >&2 || true
scontrol update nodename="$host" state=resume 2>/dev/null || true
exit 1
