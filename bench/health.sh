#!/usr/bin/env bash
# Issue 6: the cost of health checks — CPU time of berthd with 50 containers
# each checked every second (target: under 5% of one core).
#
#   bash bench/health.sh                 50 containers, 20 s sampled
#   BENCH_HEALTH_N=20 BENCH_HEALTH_SECONDS=30 bash bench/health.sh
#
# Starts its own berthd on a temp socket and data root, runs N busybox
# containers with `--health-cmd true --health-interval 1s`, waits until all
# are healthy, then reads berthd's utime+stime from /proc over the window
# (and, for comparison, the same window with the checks' containers but no
# healthcheck). The checks' own processes (the container's berth-monitor,
# which runs each check: runtime/monitor/probe.c; the check) are not
# berthd's CPU and are reported apart: the whole machine's busy time over
# the window. The number of checks run in the window is counted from the
# exec_die events. Removes everything after.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

N=${BENCH_HEALTH_N:-50}
SECS=${BENCH_HEALTH_SECONDS:-20}
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/bb-XXXXXX)
SOCK=$TMP/berth.sock
BERTH="node dist/src/cmd/berth.js -H unix://$SOCK"

cleanup() {
  set +e
  $BERTH rm -f $($BERTH ps -aq 2>/dev/null) >/dev/null 2>&1
  [[ -n "${BERTHD_PID:-}" ]] && kill "$BERTHD_PID" 2>/dev/null && wait "$BERTHD_PID" 2>/dev/null
  runc --root "$TMP/run/runc" list -q 2>/dev/null | xargs -r -n1 runc --root "$TMP/run/runc" delete -f
  bin/berthd --cleanup --data-root "$TMP/data" --exec-root "$TMP/run" --network-prefix bbhlt 2>/dev/null
  grep -o " $TMP[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf "$TMP"
}
trap cleanup EXIT

bin/berthd --host "unix://$SOCK" --data-root "$TMP/data" --exec-root "$TMP/run" \
  --network-prefix bbhlt --bip 10.252.0.1/24 --default-address-pool base=10.252.0.0/16,size=24 2>"$OUT/berthd-health.log" &
BERTHD_PID=$!
for _ in $(seq 1 100); do $BERTH version >/dev/null 2>&1 && break; sleep 0.1; done
$BERTH image bootstrap busybox >/dev/null

ticks() { awk '{print $14 + $15}' "/proc/$BERTHD_PID/stat"; }
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
HZ=$(getconf CLK_TCK)

# One window: berthd's CPU % of one core, and the machine's (all cores, as % of one core).
window() {
  local t0 b0 t1 b1
  t0=$(ticks); b0=$(busy)
  sleep "$SECS"
  t1=$(ticks); b1=$(busy)
  awk -v t="$((t1 - t0))" -v b="$((b1 - b0))" -v hz="$HZ" -v s="$SECS" 'BEGIN { printf "%.2f %.2f\n", 100 * t / hz / s, 100 * b / hz / s }'
}

echo "== health: $N containers, idle (no healthcheck), ${SECS}s"
for i in $(seq 1 "$N"); do $BERTH run -d --name "idle-$i" --network none busybox sleep 3600 >/dev/null; done
sleep 2
read -r idle_berthd idle_machine < <(window)
$BERTH rm -f $($BERTH ps -aq) >/dev/null

echo "== health: $N containers, --health-cmd true --health-interval 1s, ${SECS}s"
for i in $(seq 1 "$N"); do
  $BERTH run -d --name "hc-$i" --network none --health-cmd true --health-interval 1s busybox sleep 3600 >/dev/null
done
for _ in $(seq 1 100); do
  [[ $($BERTH ps -q --filter health=healthy | wc -l) -ge $N ]] && break
  sleep 0.2
done
since=$(date +%s.%N)
read -r hc_berthd hc_machine < <(window)
until=$(date +%s.%N)
# Every check ends with an exec_die event, as in Docker: the number run in the window.
checks=$($BERTH events --since "$since" --until "$until" --filter event=exec_die --format '{{.ID}}' | wc -l)

printf '%-44s %8s %8s\n' "" "berthd" "machine"
printf '%-44s %7s%% %7s%%\n' "$N containers, no healthcheck" "$idle_berthd" "$idle_machine"
printf '%-44s %7s%% %7s%%\n' "$N containers, each checked every second" "$hc_berthd" "$hc_machine"
echo "(% of one core over ${SECS}s; 'machine' counts every process, the checks' own included; $checks checks ran in the window)"
{
  echo -e "health-cpu\tberthd, $N containers idle\t$idle_berthd\t%"
  echo -e "health-cpu\tberthd, $N containers checked every 1s\t$hc_berthd\t%"
  echo -e "health-cpu\tmachine, $N containers checked every 1s\t$hc_machine\t% ($checks checks in ${SECS}s)"
} >>"$OUT/figures.tsv"
