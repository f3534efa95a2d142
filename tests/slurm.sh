#!/usr/bin/env bash
# README's Slurm job array, run for real on a single-node Slurm cluster started
# on this machine (Debian's slurm-wlm and munge; installed with apt-get if
# missing). It
#   1. runs a small sweep on one machine with `sellout sweep`;
#   2. submits README's job-array script with `sbatch --array`, waits for it,
#      merges the shards with `sellout merge` and checks every file merge wrote
#      is byte-identical to the one-machine sweep's;
#   3. submits it again, requeues one array task (`scontrol requeue`) once its
#      journal holds a finished run, checks the requeued task resumed from its
#      journal (finished runs not redone) and that the merge is still identical.
# The job script is README's, extracted from README.md at run time (the block
# under "As a **Slurm job array**"), so README cannot drift from what is tested.
# The sweep is named as in README (experiments/waiting-room-outflow/sweep.toml)
# but lives in a scratch directory: the shipped experiment with fewer points
# and replications (see below).
#
# Everything Slurm writes (slurm.conf, state, spool, logs, pid files) is under
# the scratch directory, and SLURM_CONF points there: /etc/slurm is never
# touched. The daemons it started are stopped by pid on exit, pass or fail.
# Where Slurm cannot be installed or started (not root, no apt-get, a daemon
# that does not come up) it prints "SKIP: slurm: ... because ..." and passes.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
t0=$(date +%s)
skip() { echo "SKIP: slurm: $*"; exit 0; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
timings=()
timing() { timings+=("$(printf '%-34s %s' "$1" "$2")"); echo "   ($1: $2)"; }

# ---- Slurm and munge, installed if missing
[ "$(id -u)" = 0 ] || skip "not run because this is not root (munged, slurmctld and slurmd are started here as root)"
if ! command -v slurmctld > /dev/null || ! command -v slurmd > /dev/null || ! command -v munged > /dev/null; then
  command -v apt-get > /dev/null || skip "not run because slurm-wlm is not installed and there is no apt-get to install it"
  echo "== installing slurm-wlm and munge (apt-get)"
  start=$(now)
  # Keep the packages' init scripts from starting daemons: this test starts its own.
  policy=/usr/sbin/policy-rc.d
  made_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  ok=1
  apt-get install -y -q --no-install-recommends slurm-wlm munge > /tmp/sellout-slurm-apt.log 2>&1 || {
    apt-get update -q >> /tmp/sellout-slurm-apt.log 2>&1 &&
      apt-get install -y -q --no-install-recommends slurm-wlm munge >> /tmp/sellout-slurm-apt.log 2>&1
  } || ok=0
  [ -z "$made_policy" ] || rm -f "$policy"
  [ "$ok" = 1 ] || { tail -n 20 /tmp/sellout-slurm-apt.log; skip "not run because apt-get install slurm-wlm munge failed (log: /tmp/sellout-slurm-apt.log)"; }
  timing "apt-get install slurm-wlm munge" "$(since "$start")"
fi

# ---- the binary: $SELLOUT_BIN, or target/release/sellout (built if missing)
bin="${SELLOUT_BIN:-target/release/sellout}"
if [ -z "${SELLOUT_BIN:-}" ] && [ ! -x "$bin" ]; then cargo build --release; fi
[ -x "$bin" ] || { echo "FAIL: no sellout binary at $bin"; exit 1; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

echo "== $(slurmctld -V 2>/dev/null || echo slurm), $(munged -V 2>/dev/null | head -n 1 || echo munge)"

# ---- scratch directory: Slurm's files and a checkout-shaped working directory
scratch="$repo/target/ci-out/slurm"
# Processes of this test's cluster: their environment names its slurm.conf
# (the daemons, and through slurmd the job steps and their sweeps), and they
# are not in this script's session (the daemons detach from it). Used to stop
# what an earlier run left (killed before its trap ran) and, on exit, what
# outlived the daemons.
conf="$scratch/etc/slurm.conf"
cluster_pids() {
  local d my_sid sid
  my_sid="$(sed 's/.*) //' /proc/$$/stat | awk '{ print $4 }')"
  for d in /proc/[0-9]*; do
    grep -qzxF "SLURM_CONF=$conf" "$d/environ" 2> /dev/null || continue
    sid="$(sed 's/.*) //' "$d/stat" 2> /dev/null | awk '{ print $4 }')"
    [ -n "$sid" ] && [ "$sid" != "$my_sid" ] && echo "${d#/proc/}"
  done
  return 0
}
stop_cluster_pids() { # why
  local pids
  pids="$(cluster_pids | tr '\n' ' ')"
  [ -n "${pids// /}" ] || return 0
  echo "   stopping $1: pids $pids"
  kill $pids 2> /dev/null || true
  sleep 1
  pids="$(cluster_pids | tr '\n' ' ')"
  [ -z "${pids// /}" ] || kill -9 $pids 2> /dev/null || true
}
stop_cluster_pids "what an earlier run of this test left running"
rm -rf "$scratch"
mkdir -p "$scratch"/{etc,state,spool,log,run,work/experiments/waiting-room-outflow,work/bin}
scratch="$(cd "$scratch" && pwd)"
work="$scratch/work"
cp -r models "$work/models"
ln -s "$bin" "$work/bin/sellout"
# The shipped experiment, cut down: 2 outflows (randomized pre-queue) and the
# no-waiting-room variant = 3 points, x 3 replications = 9 runs. Twice the
# baseline's fans make each run take a second or two, so task 0 (runs 0, 4, 8)
# is still running when the requeue lands after its first run.
sed -E \
  -e 's/^replications = [0-9]+/replications = 3/' \
  -e 's/^"waiting_room.outflow_per_min" = .*/"waiting_room.outflow_per_min" = [2000, 6000]/' \
  -e 's/^seed = [0-9]+/seed = 1\nset = { "demand.population" = 400000 }/' \
  experiments/waiting-room-outflow/sweep.toml > "$work/experiments/waiting-room-outflow/sweep.toml"
# README's job script, verbatim.
awk '/^As a \*\*Slurm job array\*\*/ { found = 1 } found && /^```sh$/ { inside = 1; next }
     inside && /^```$/ { exit } inside { print }' README.md > "$work/outflow.sbatch"
grep -q '^#SBATCH --array' "$work/outflow.sbatch" && grep -q 'sellout sweep experiments/waiting-room-outflow/sweep.toml' "$work/outflow.sbatch" ||
  { echo "FAIL: could not extract the Slurm job-array script from README.md"; cat "$work/outflow.sbatch"; exit 1; }

# ---- 1. the same sweep on one machine
echo "== one machine: sellout sweep"
start=$(now)
(cd "$work" && PATH="$work/bin:$PATH" sellout sweep experiments/waiting-room-outflow/sweep.toml --threads 2 --out single > "$scratch/log/single.log")
runs=$(($(wc -l < "$work/single/runs.csv") - 1))
echo "ok  $runs runs"
timing "one-machine sweep ($runs runs, 2 threads)" "$(since "$start")"

# ---- the cluster
host="$(hostname)"
cpus="$(nproc)"
export SLURM_CONF="$conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=sellout-test
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
KillWait=5
# A requeued job waits cred_expire seconds (default 120) before it may start again.
AuthInfo=cred_expire=10
# ...and then for the next scheduling pass (default: backfill every 30 s).
SchedulerParameters=bf_interval=2,sched_interval=5
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/run/slurmctld.pid
SlurmdPidFile=$scratch/run/slurmd.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd.log
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

munge_pidfile=""
jobs=""
stop_by_pidfile() { # name pidfile
  local pid
  [ -n "$2" ] && [ -s "$2" ] || return 0
  pid="$(cat "$2")"
  kill -0 "$pid" 2> /dev/null || return 0
  kill "$pid" 2> /dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || { echo "   stopped $1 (pid $pid)"; return 0; }; sleep 0.1; done
  kill -9 "$pid" 2> /dev/null || true
  echo "   killed $1 (pid $pid)"
}
cleanup() {
  local rc=$?
  set +e
  echo "== stopping the daemons this test started"
  [ -z "$jobs" ] || { scancel $jobs 2> /dev/null; for _ in $(seq 20); do [ -z "$(squeue -h 2> /dev/null)" ] && break; sleep 0.5; done; }
  stop_by_pidfile slurmd "$scratch/run/slurmd.pid"
  stop_by_pidfile slurmctld "$scratch/run/slurmctld.pid"
  stop_by_pidfile munged "$munge_pidfile"
  stop_cluster_pids "processes of the cluster that outlived it"
  if [ "$rc" != 0 ]; then
    for f in "$scratch"/log/*.log; do echo "---- $f (last 30 lines)"; tail -n 30 "$f"; done
  fi
  if [ "${#timings[@]}" -gt 0 ]; then
    echo "== timings"
    printf '   %s\n' "${timings[@]}"
    printf '   %-34s %s s\n' "total" "$(( $(date +%s) - t0 ))"
  fi
  exit "$rc"
}
trap cleanup EXIT

echo "== starting munged, slurmctld and slurmd"
start=$(now)
if pgrep -x munged > /dev/null; then
  echo "   munged already running (not ours: left alone)"
else
  # The munge package creates the key; make one only if it is missing.
  if [ ! -s /etc/munge/munge.key ]; then
    mungekey --create 2> /dev/null || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2> /dev/null && chmod 0400 /etc/munge/munge.key; }
    chown munge:munge /etc/munge/munge.key 2> /dev/null || true
  fi
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  munge_pidfile="$scratch/run/munged.pid"
  munged --force --pid-file="$munge_pidfile" --log-file="$scratch/log/munged.log" ||
    skip "not run because munged did not start (log: $scratch/log/munged.log)"
fi
munge -n | unmunge > /dev/null 2>&1 || skip "not run because munge cannot encode and decode a credential"
# -f: the configuration is SLURM_CONF's anyway; on the command line it names this test's daemons.
slurmctld -f "$SLURM_CONF" || skip "not run because slurmctld did not start (log: $scratch/log/slurmctld.log)"
slurmd -f "$SLURM_CONF" || skip "not run because slurmd did not start (log: $scratch/log/slurmd.log)"
state=""
for _ in $(seq 120); do
  state="$(sinfo -h -N -o %t 2> /dev/null | head -n 1)"
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || skip "not run because node $host did not become idle within 60 s (sinfo: '${state:-no answer}'; logs in $scratch/log)"
echo "ok  sinfo: $host idle ($cpus CPUs)"
timing "daemons up (munged..sinfo idle)" "$(since "$start")"

tasks=4
# Submit README's script. The command line overrides its #SBATCH lines: a
# 4-task array, 1 CPU per task (this node has $cpus), logs appended so a
# requeued task's log keeps both attempts.
submit() { # label
  (cd "$work" && PATH="$work/bin:$PATH" sbatch --parsable --array=0-$((tasks - 1)) --cpus-per-task=1 \
    --open-mode=append --output="$scratch/log/$1-%a.out" outflow.sbatch)
}
wait_for() { # job id, timeout in seconds
  local deadline=$(( $(date +%s) + $2 ))
  while [ -n "$(squeue -h -j "$1" 2> /dev/null)" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "FAIL: job $1 still queued after $2 s"; squeue -j "$1"; exit 1; }
    sleep 0.5
  done
}
check_completed() { # job id, label
  local states
  states="$(scontrol -o show job "$1" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' ')"
  [ "$(scontrol -o show job "$1" | grep -c 'JobState=COMPLETED')" = "$tasks" ] ||
    { echo "FAIL: $2: not every task completed:$states"; for f in "$scratch"/log/"$2"-*.out; do echo "---- $f"; cat "$f"; done; exit 1; }
}
merge_and_compare() { # label
  rm -rf "$work/merged-$1"
  (cd "$work" && "$bin" merge shards/* --out "merged-$1" > "$scratch/log/merge-$1.log")
  local n=0 f
  for f in "$work/merged-$1"/*; do
    cmp "$f" "$work/single/$(basename "$f")" || { echo "FAIL: $1: merged $(basename "$f") differs from the one-machine sweep's"; exit 1; }
    n=$((n + 1))
  done
  for f in runs.csv summary.csv paired.csv sweep.json; do [ -s "$work/merged-$1/$f" ] || { echo "FAIL: $1: merge wrote no $f"; exit 1; }; done
  echo "ok  merge: all $n files merge wrote are byte-identical to the one-machine sweep's ($(cd "$work/merged-$1" && echo *))"
}

# ---- 2. README's job array, then merge
echo "== README's job array: sbatch --array=0-$((tasks - 1))"
rm -rf "$work/shards"
start=$(now)
job="$(submit array)"
jobs="$jobs $job"
echo "   job $job"
wait_for "$job" 300
check_completed "$job" array
timing "job array ($tasks tasks, 1 CPU each)" "$(since "$start")"
start=$(now)
merge_and_compare array
timing "merge (array)" "$(since "$start")"

# ---- 3. again, requeueing task 0 once its journal holds a finished run
echo "== again, with task 0 requeued mid-run (scontrol requeue)"
rm -rf "$work/shards"
journal="$work/shards/0/runs.partial.csv"
# The journal: a fingerprint line, the CSV header, then one line per finished run.
journal_runs() { local n=0; [ -f "$journal" ] && n=$(($(wc -l < "$journal") - 2)); echo $((n < 0 ? 0 : n)); }
start=$(now)
job="$(submit requeue)"
jobs="$jobs $job"
echo "   job $job"
deadline=$(( $(date +%s) + 120 ))
until [ "$(journal_runs)" -ge 1 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "FAIL: task 0 wrote no run to its journal within 120 s"; exit 1; }
  sleep 0.1
done
before="$(journal_runs)"
planned0=$(( (runs + tasks - 1) / tasks ))
[ "$before" -lt "$planned0" ] || { echo "FAIL: task 0 finished all $planned0 runs before it could be requeued; make its runs longer"; exit 1; }
requeue_at=$(now)
scontrol requeue "${job}_0"
echo "   requeued ${job}_0 with $before of its $planned0 runs in the journal"
wait_for "$job" 300
check_completed "$job" requeue
timing "job array with a requeue" "$(since "$start")"
timing "  requeue..requeued task done" "$(since "$requeue_at")"
restarts="$(scontrol -o show job "${job}_0" | grep -o 'Restarts=[0-9]*')"
[ "$restarts" = Restarts=1 ] || { echo "FAIL: task 0 shows $restarts, expected Restarts=1"; exit 1; }
log0="$scratch/log/requeue-0.out"
resumed="$(grep -o 'resuming: [0-9]* of [0-9]* runs already done (from the journal)' "$log0" || true)"
[ -n "$resumed" ] || { echo "FAIL: the requeued task's log says nothing about resuming"; cat "$log0"; exit 1; }
done_before="$(echo "$resumed" | awk '{ print $2 }')"
[ "$done_before" -ge "$before" ] ||
  { echo "FAIL: the requeued task resumed $done_before runs, but $before were in its journal at the requeue"; exit 1; }
# Each run is journaled once: no finished run was done again.
after="$(journal_runs)"
[ "$after" = "$planned0" ] || { echo "FAIL: task 0's journal holds $after runs for its $planned0 (a run was redone or lost)"; exit 1; }
echo "ok  task 0 ran twice (scontrol: $restarts); the second attempt says \"$resumed\" and its journal holds each of its $planned0 runs once"
start=$(now)
merge_and_compare requeue
timing "merge (after requeue)" "$(since "$start")"
echo "ok  slurm"
