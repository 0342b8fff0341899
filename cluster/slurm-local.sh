#!/usr/bin/env bash
# A single-node Slurm on this machine, for testing cluster/reproduce*.sbatch (tests/test_cluster_slurm.cpp).
#   cluster/slurm-local.sh start DIR   writes DIR/slurm.conf, starts slurmctld and slurmd (as root),
#                                      waits until the node is idle; prints "export SLURM_CONF=DIR/slurm.conf"
#   cluster/slurm-local.sh stop DIR    stops both daemons (by the pids in DIR) and leaves DIR for inspection
# Exit code 77: Slurm cannot run here (not root, slurm-wlm missing, or the daemons did not come up;
# the reason is printed and DIR/*.log hold the daemons' own words).
# Authentication is auth/none: both daemons and every client are this host's root on a private
# port, so munge (the production choice, installed by scripts/setup.sh) adds nothing here.
set -euo pipefail
cmd=${1:?usage: slurm-local.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: slurm-local.sh start|stop DIR}")
skip() { echo "slurm-local: cannot run Slurm here: $*" >&2; exit 77; }

stop() {
  for d in slurmd slurmctld; do
    if [ -f "$dir/$d.pid" ]; then
      pid=$(cat "$dir/$d.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$dir/$d.pid"
    fi
  done
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "slurm-local: unknown command '$cmd' (allowed: start, stop)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root (uid $(id -u))"
for b in slurmctld slurmd sbatch squeue scontrol; do command -v "$b" >/dev/null || skip "$b not installed (Debian slurm-wlm)"; done
mkdir -p "$dir/state" "$dir/spool"
host=$(hostname -s)
# Two free ports above 20000 derived from the pid (a clash only makes this run skip, never pass wrongly).
base=$((20000 + ($$ % 20000) * 2))
mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
cat > "$dir/slurm.conf" <<CONF
ClusterName=regcheck-local
SlurmctldHost=$host
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ReturnToService=2
MinJobAge=600
NodeName=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$dir/slurm.conf
slurmctld -f "$SLURM_CONF" -i >"$dir/slurmctld.stdout" 2>&1 || { stop; skip "slurmctld did not start (see $dir/slurmctld.log)"; }
slurmd -f "$SLURM_CONF" >"$dir/slurmd.stdout" 2>&1 || { stop; skip "slurmd did not start (see $dir/slurmd.log)"; }
for _ in $(seq 150); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)
  case "$state" in idle*) echo "export SLURM_CONF=$SLURM_CONF"; exit 0 ;; esac
  sleep 0.2
done
stop
skip "the node did not become idle within 30 s (state '${state:-none}'; see $dir/slurmd.log)"
