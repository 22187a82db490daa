#!/usr/bin/env bash
# Berth benchmarks (issue 2), all driven by the real docker CLI, side by side
# with a bare `runc run` of the same busybox rootfs and, when Debian's
# docker.io is installed, a real dockerd started just for the run
# (bench/dockerd.sh). Figures: bench/results/ (hyperfine JSON/markdown per
# benchmark, figures.tsv, summary.md); written up in bench/RESULTS.md.
#
#   bash bench/run.sh                      every benchmark
#   BENCH_ONLY="run-rm exec" bash bench/run.sh
#                                          some: memory run-rm exec ps run-d-50 commit save-load build network registry
#   BENCH_RUNS=30 BENCH_RUNS_SLOW=5        hyperfine runs (slow: run-d-50, commit, save, load, build-bigctx-*)
#   BENCH_DOCKERD=0                        no dockerd column even if docker.io is installed
#   BENCH_BUILD_CTX_MIB=290 BENCH_BUILD_CTX_FILES=20000   the build benchmark's big context (bench/build.sh)
#   BENCH_BASELINE=/path/to/other/tree     also a berthd built in that tree (its dist/), as column
#                                          "berthd-baseline": before/after figures of a change
#   BERTH_TRACE=1                          berthd prints per-step timings to $BENCH_OUT/berthd.log
#
# Starts its own berthd on a temp socket and data root and removes everything
# after (containers, mounts, runc state, dockerd and its containerd).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
source bench/dockerd.sh
source bench/latency.sh
source bench/throughput.sh
source bench/memory.sh
source bench/build.sh
source bench/network.sh
source bench/registry.sh

ONLY=${BENCH_ONLY:-memory run-rm exec ps run-d-50 commit save-load build network registry}
mkdir -p "$OUT"
: >"$OUT/figures.tsv"
TMP=$(mktemp -d /tmp/bb-XXXXXX)
SOCK=$TMP/berth.sock
export DOCKER_CONFIG=$TMP/docker-config
BERTH="node dist/src/cmd/berth.js -H unix://$SOCK"
RESET=$TMP/reset.sh

cleanup() {
  set +e
  for e in "${ENGINES[@]}"; do rm_all "$e" 2>/dev/null; done
  dockerd_stop
  [[ -n "${BERTHD_PID:-}" ]] && kill "$BERTHD_PID" 2>/dev/null && wait "$BERTHD_PID" 2>/dev/null
  [[ -n "${BASE_PID:-}" ]] && kill "$BASE_PID" 2>/dev/null && wait "$BASE_PID" 2>/dev/null
  local r
  for r in "$TMP/run/runc" "$TMP/base-run/runc" "$TMP/bare" "$TMP/bare-d"; do
    runc --root "$r" list -q 2>/dev/null | xargs -r -n1 runc --root "$r" delete -f
  done
  pkill -f -- "--root $TMP/" 2>/dev/null   # registry servers of bench/registry.sh, if it stopped half way
  pkill -f -- "docker-registry serve $TMP/" 2>/dev/null
  bin/berthd --cleanup --data-root "$TMP/data" --exec-root "$TMP/run" --network-prefix bbench 2>/dev/null
  grep -o " $TMP[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf "$TMP"
}
trap cleanup EXIT

# Its own network names and subnets, so it clashes with no other daemon on the host (removed by --cleanup after).
NETFLAGS=(--network-prefix bbench --bip 10.250.0.1/24 --default-address-pool base=10.250.0.0/16,size=24)
bin/berthd --host "unix://$SOCK" --data-root "$TMP/data" --exec-root "$TMP/run" "${NETFLAGS[@]}" 2>"$OUT/berthd.log" &
BERTHD_PID=$!
for _ in $(seq 1 100); do "$DOCKER" -H "unix://$SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
add_engine berthd "unix://$SOCK"
$BERTH image bootstrap busybox >/dev/null

if [[ -n ${BENCH_BASELINE:-} ]]; then
  node "$BENCH_BASELINE/dist/src/cmd/berthd.js" --host "unix://$TMP/base.sock" --data-root "$TMP/base-data" \
    --exec-root "$TMP/base-run" 2>"$OUT/berthd-baseline.log" &
  BASE_PID=$!
  for _ in $(seq 1 100); do "$DOCKER" -H "unix://$TMP/base.sock" version >/dev/null 2>&1 && break; sleep 0.1; done
  add_engine berthd-baseline "unix://$TMP/base.sock"
  node "$BENCH_BASELINE/dist/src/cmd/berth.js" -H "unix://$TMP/base.sock" image bootstrap busybox >/dev/null
fi

# Bare runc bundles of the same busybox rootfs, for the baselines.
mkdir -p "$TMP/bundle/rootfs"/{bin,proc,dev,sys}
cp /bin/busybox "$TMP/bundle/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [[ $a == busybox ]] || ln -sf busybox "$TMP/bundle/rootfs/bin/$a"; done
(cd "$TMP/bundle" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"true"/' config.json)
mkdir -p "$TMP/bundle-sleep"
sed 's/"true"/"sleep", "600"/; s|"path": "rootfs"|"path": "'"$TMP"'/bundle/rootfs"|' "$TMP/bundle/config.json" >"$TMP/bundle-sleep/config.json"

if dockerd_wanted; then
  dockerd_start || true
else
  echo "bench: docker.io not installed (or BENCH_DOCKERD=0): no dockerd column" >&2
fi

# Removes every container of every engine and the bare detached ones (hyperfine --prepare).
{
  for e in "${ENGINES[@]}"; do
    echo "ids=\$($(dkcmd "$e") ps -aq); [ -z \"\$ids\" ] || $(dkcmd "$e") rm -f \$ids >/dev/null"
  done
  echo "runc --root $TMP/bare-d list -q 2>/dev/null | xargs -r -n1 runc --root $TMP/bare-d delete -f"
} >"$RESET"

printf 'machine\t%s, %s cores, %s MiB RAM, kernel %s\n' "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
  "$(nproc)" "$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)" "$(uname -r)" >"$OUT/machine.txt"
printf 'date\t%s\nengines\t%s\ndocker CLI\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "${ENGINES[*]}" "$("$DOCKER" --version)" >>"$OUT/machine.txt"

sleep 2
record_idle_rss memory-idle-at-start

for b in $ONLY; do
  case $b in
    run-rm) bench_run_rm ;;
    exec) bench_exec ;;
    ps) bench_ps ;;
    run-d-50) bench_run_d_50 ;;
    commit) bench_commit ;;
    save-load) bench_save_load ;;
    memory) bench_memory ;;
    build) bench_build ;;
    network) bench_network ;;
    registry) bench_registry ;;
    *) echo "bench: unknown benchmark $b" >&2; exit 2 ;;
  esac
done

for e in "${ENGINES[@]}"; do rm_all "$e"; done
sleep 2
record_idle_rss memory-idle-after-suite

echo
echo "== figures (also $OUT/figures.tsv)"
column -t -s $'\t' "$OUT/figures.tsv"
