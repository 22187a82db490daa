#!/usr/bin/env bash
# Issue 6: the time from a container's crash to its restart under
# `--restart always` (target: under 150 ms at the first restart), and the
# back-off after it (Berth: at once, then 100, 200 ms …; Docker: 100, 200,
# 400 ms …).
#
#   bash bench/restart.sh            20 containers per column
#   BENCH_RESTARTS=50 bash bench/restart.sh
#   BENCH_DOCKERD=0                  no dockerd column even if docker.io is installed
#
# Each container runs a tiny static program from a bind mount that appends
# CLOCK_REALTIME in ns to a file and exits 1; the gap between its first two
# lines is exit → the next run's first instruction (exit seen, exit path,
# policy, start, runc, exec), as the user would measure it. The program
# exits right after its write, so a gap over-counts by microseconds only.
#
# Starts its own berthd (and a dockerd, as bench/run.sh does) on temp
# sockets and data roots and removes everything after. Figures go to
# $BENCH_OUT (bench/results)/restart.tsv and figures.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
source bench/dockerd.sh

N=${BENCH_RESTARTS:-20}
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/bb-XXXXXX)
SOCK=$TMP/berth.sock
export DOCKER_CONFIG=$TMP/docker-config
BERTH="node dist/src/cmd/berth.js -H unix://$SOCK"

cleanup() {
  set +e
  for e in "${ENGINES[@]}"; do rm_all "$e" 2>/dev/null; done
  dockerd_stop
  [[ -n "${BERTHD_PID:-}" ]] && kill "$BERTHD_PID" 2>/dev/null && wait "$BERTHD_PID" 2>/dev/null
  bin/berthd --cleanup --data-root "$TMP/data" --exec-root "$TMP/run" --network-prefix bbrst 2>/dev/null
  grep -o " $TMP[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf "$TMP"
}
trap cleanup EXIT

bin/berthd --host "unix://$SOCK" --data-root "$TMP/data" --exec-root "$TMP/run" \
  --network-prefix bbrst --bip 10.251.0.1/24 --default-address-pool base=10.251.0.0/16,size=24 2>"$OUT/berthd-restart.log" &
BERTHD_PID=$!
for _ in $(seq 1 100); do "$DOCKER" -H "unix://$SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
add_engine berthd "unix://$SOCK"
$BERTH image bootstrap busybox >/dev/null
if dockerd_wanted; then dockerd_start || true; fi

# The stamp: append "<ns>\n" to argv[1], exit 1.
mkdir -p "$TMP/b"
cat >"$TMP/stamp.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  char line[32];
  int n = snprintf(line, sizeof line, "%lld\n", (long long)t.tv_sec * 1000000000LL + t.tv_nsec);
  int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd < 0 || write(fd, line, n) != n) return 2;
  return 1;
}
EOF
gcc -static -O2 -o "$TMP/b/stamp" "$TMP/stamp.c"

# Runs N containers on one engine, each until it has started 4 times; prints one line per
# container: gap1 gap2 gap3 (ms).
measure() { # engine, column name, extra run args…
  local engine=$1 column=$2
  shift 2
  local i f
  for i in $(seq 1 "$N"); do
    f=$TMP/b/t-$column-$i
    dk "$engine" run -d --name "rst-$column-$i" --restart always -v "$TMP/b:/b" "$@" busybox /b/stamp "/b/$(basename "$f")" >/dev/null
    for _ in $(seq 1 100); do [[ -f $f && $(wc -l <"$f") -ge 4 ]] && break; sleep 0.05; done
    dk "$engine" rm -f "rst-$column-$i" >/dev/null
    awk 'NR>1 && NR<=4 {printf "%.1f ", ($1 - prev) / 1e6} {prev = $1} END {print ""}' "$f"
  done >"$TMP/gaps-$column"
  node -e '
    const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
    const col = (k) => rows.map((r) => r[k]).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
    const [g1, g2, g3] = [col(0), col(1), col(2)];
    const name = process.argv[2];
    console.log(["restart", `${name}: 1st restart (exit → running)`, q(g1, 0.5).toFixed(1), `ms median (p90 ${q(g1, 0.9).toFixed(1)}, n=${g1.length})`].join("\t"));
    console.log(["restart", `${name}: 2nd restart`, q(g2, 0.5).toFixed(1), "ms median"].join("\t"));
    console.log(["restart", `${name}: 3rd restart`, q(g3, 0.5).toFixed(1), "ms median"].join("\t"));
  ' "$TMP/gaps-$column" "$column" | tee -a "$OUT/figures.tsv" "$OUT/restart.tsv"
}

: >"$OUT/restart.tsv"
echo "== crash → restart under --restart always ($N containers per column)"
measure berthd berthd
measure berthd berthd-net-none --network none
if [[ " ${ENGINES[*]} " == *" dockerd "* ]]; then measure dockerd dockerd-net-none --network none; fi
echo
column -t -s $'\t' "$OUT/restart.tsv"
