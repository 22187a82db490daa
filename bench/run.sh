#!/usr/bin/env bash
# Berth benchmarks (hyperfine), side by side with a bare `runc run` of the same
# rootfs and, when one is running, a real dockerd (set DOCKERD_HOST=unix:///path).
#
#   bash bench/run.sh            all benchmarks, figures to bench/results/ and stdout
#   BENCH_RUNS=30 bash bench/run.sh
#
# Starts its own berthd on a temp socket and data root and removes everything after.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-20}
OUT=bench/results
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/bb-XXXXXX)
SOCK=$TMP/berth.sock
export DOCKER_HOST=unix://$SOCK
export DOCKER_CONFIG=$TMP/docker-config
BERTH="node dist/src/cmd/berth.js -H unix://$SOCK"
DOCKER=${DOCKER:-/usr/local/bin/docker}

cleanup() {
  set +e
  $DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1
  [[ -n "${BERTHD_PID:-}" ]] && kill "$BERTHD_PID" 2>/dev/null && wait "$BERTHD_PID" 2>/dev/null
  runc --root "$TMP/run/runc" list -q 2>/dev/null | xargs -r -n1 runc --root "$TMP/run/runc" delete -f
  runc --root "$TMP/bare" delete -f bench-bare >/dev/null 2>&1
  grep -o " $TMP[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf "$TMP"
}
trap cleanup EXIT

node dist/src/cmd/berthd.js --host "unix://$SOCK" --data-root "$TMP/data" --exec-root "$TMP/run" 2>"$TMP/berthd.log" &
BERTHD_PID=$!
for _ in $(seq 1 100); do $DOCKER version >/dev/null 2>&1 && break; sleep 0.1; done
$BERTH image bootstrap busybox >/dev/null

# A bare runc bundle of the same busybox rootfs, for the baseline.
mkdir -p "$TMP/bundle/rootfs/bin" "$TMP/bundle/rootfs/proc" "$TMP/bundle/rootfs/dev" "$TMP/bundle/rootfs/sys"
cp /bin/busybox "$TMP/bundle/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [[ $a == busybox ]] || ln -sf busybox "$TMP/bundle/rootfs/bin/$a"; done
(cd "$TMP/bundle" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"true"/' config.json)

hf() { # name, then hyperfine args
  local name=$1; shift
  hyperfine --style basic --runs "$RUNS" --warmup 3 --export-json "$OUT/$name.json" --export-markdown "$OUT/$name.md" "$@"
}

echo "== run --rm busybox true"
hf run-rm \
  -n "docker CLI → berthd" "$DOCKER run --rm busybox true" \
  -n "berth CLI → berthd" "$BERTH run --rm busybox true" \
  -n "bare runc run" "runc --root $TMP/bare run --bundle $TMP/bundle bench-bare"

echo "== exec true"
$DOCKER run -d --name bench-exec busybox sleep 3600 >/dev/null
hf exec -n "docker CLI → berthd" "$DOCKER exec bench-exec true" -n "berth CLI → berthd" "$BERTH exec bench-exec true"
$DOCKER rm -f bench-exec >/dev/null

echo "== ps -a with 100 containers"
for i in $(seq 1 100); do echo "$i"; done | xargs -P 8 -I{} $DOCKER create --name ps-{} busybox true >/dev/null
hf ps -n "docker CLI → berthd" "$DOCKER ps -a" -n "berth CLI → berthd" "$BERTH ps -a"
$DOCKER rm $($DOCKER ps -aq) >/dev/null

echo "== 50 run -d, 8 at a time"
hf run-d-50 --runs 3 --prepare "$DOCKER rm -f \$($DOCKER ps -aq) >/dev/null 2>&1 || true" \
  -n "docker CLI → berthd" "seq 1 50 | xargs -P 8 -I{} $DOCKER run -d busybox sleep 60"

echo "== resident memory"
$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1 || true
sleep 1
idle=$(awk '/VmRSS/ {print $2}' /proc/$BERTHD_PID/status)
for i in $(seq 1 10); do $DOCKER run -d busybox sleep 600 >/dev/null; done
sleep 1
busy=$(awk '/VmRSS/ {print $2}' /proc/$BERTHD_PID/status)
mon=$(pgrep -f berth-monitor | xargs -r -I{} awk '/VmRSS/ {print $2}' /proc/{}/status | awk '{s+=$1} END {print s+0}')
printf 'berthd idle RSS: %d KiB\nberthd with 10 running: %d KiB\nmonitors (10) total RSS: %d KiB\nper container (berthd delta + monitor): %d KiB\n' \
  "$idle" "$busy" "$mon" $(( (busy - idle + mon) / 10 )) | tee "$OUT/memory.txt"
