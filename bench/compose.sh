#!/usr/bin/env bash
# Issue 7: `berth compose up -d` of a ten-service project with no build
# (busybox services running `sleep`, on the project's default network):
#   - cold: nothing of the project exists (network and ten containers made and
#     started; `down -t 0` before each run);
#   - no change: everything is up and matches; `up` must look and leave alone
#     (target: under 300 ms);
#   - reference: the ten services' own container starts, `docker run -d` of
#     each in turn on a user network, through the same berthd (target: cold
#     `up` within 1.5× of it);
#   - docker-compose 1.29 (Debian's, Python) doing the same `up -d`, cold and
#     with no change, when it is installed.
#
#   bash bench/compose.sh
#   BENCH_RUNS=20 BENCH_RUNS_SLOW=5   hyperfine runs (slow: the cold and reference columns)
#
# Starts its own berthd on a temp socket and data root and removes everything
# after. Figures go to $BENCH_OUT (bench/results)/compose.tsv and figures.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

SERVICES=10
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/bb-XXXXXX)
SOCK=$TMP/berth.sock
export DOCKER_CONFIG=$TMP/docker-config
BERTH="node dist/src/cmd/berth.js -H unix://$SOCK"
PROJ=$TMP/ten
COMPOSE="$BERTH compose -p ten -f $PROJ/compose.yaml"
V1="env DOCKER_HOST=unix://$SOCK docker-compose --ansi never -p ten1 -f $PROJ/compose.yaml"

cleanup() {
  set +e
  [[ -n "${BERTHD_PID:-}" ]] && rm_all berthd 2>/dev/null
  [[ -n "${BERTHD_PID:-}" ]] && kill "$BERTHD_PID" 2>/dev/null && wait "$BERTHD_PID" 2>/dev/null
  bin/berthd --cleanup --data-root "$TMP/data" --exec-root "$TMP/run" --network-prefix bbcmp 2>/dev/null
  grep -o " $TMP[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf "$TMP"
}
trap cleanup EXIT

bin/berthd --host "unix://$SOCK" --data-root "$TMP/data" --exec-root "$TMP/run" \
  --network-prefix bbcmp --bip 10.252.0.1/24 --default-address-pool base=10.252.0.0/16,size=24 2>"$OUT/berthd-compose.log" &
BERTHD_PID=$!
for _ in $(seq 1 100); do "$DOCKER" -H "unix://$SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
add_engine berthd "unix://$SOCK"
$BERTH image bootstrap busybox >/dev/null

mkdir -p "$PROJ"
{
  echo 'services:'
  for i in $(seq 1 "$SERVICES"); do
    printf '  s%d:\n    image: busybox\n    command: sleep 3600\n' "$i"
  done
} >"$PROJ/compose.yaml"

# The reference: the same ten containers, one `docker run -d` each, on a user network.
dk berthd network create ref >/dev/null
REF_RM="ids=\$($(dkcmd berthd) ps -aq --filter label=bench=ref); [ -z \"\$ids\" ] || $(dkcmd berthd) rm -f \$ids >/dev/null"
REF_RUN="for i in \$(seq 1 $SERVICES); do $(dkcmd berthd) run -d --label bench=ref --network ref busybox sleep 3600 >/dev/null; done"

: >"$OUT/compose.tsv"
echo "== compose up -d, $SERVICES services: cold, no change, and the sum of their own starts"
HF_RUNS=$SLOW HF_WARMUP=1 hf compose-cold \
  --prepare "$COMPOSE down -t 0 >/dev/null 2>&1" \
  -n "berth compose up -d (cold)" "$COMPOSE up -d" \
  --prepare "$REF_RM" \
  -n "docker run -d × $SERVICES (reference)" "bash -c '$REF_RUN'"
$COMPOSE up -d >/dev/null 2>&1
hf compose-nochange -n "berth compose up -d (no change)" "$COMPOSE up -d"
if command -v docker-compose >/dev/null; then
  $COMPOSE down -t 0 >/dev/null 2>&1
  eval "$REF_RM"
  HF_RUNS=$SLOW HF_WARMUP=1 hf compose-v1-cold --prepare "$V1 down -t 0 >/dev/null 2>&1" \
    -n "docker-compose 1.29 up -d (cold)" "$V1 up -d"
  $V1 up -d >/dev/null 2>&1
  HF_RUNS=$SLOW hf compose-v1-nochange -n "docker-compose 1.29 up -d (no change)" "$V1 up -d"
  $V1 down -t 0 >/dev/null 2>&1
fi
for name in compose-cold compose-nochange compose-v1-cold compose-v1-nochange; do
  [[ -f $OUT/$name.json ]] && figures_ms "$name" | tee -a "$OUT/compose.tsv" >/dev/null
done
node -e '
  const med = (f, c) => JSON.parse(require("fs").readFileSync(f, "utf8")).results.find((x) => x.command === c).median * 1000;
  const [out, n] = process.argv.slice(1);
  const cold = med(`${out}/compose-cold.json`, "berth compose up -d (cold)");
  const ref = med(`${out}/compose-cold.json`, `docker run -d × ${n} (reference)`);
  const same = med(`${out}/compose-nochange.json`, "berth compose up -d (no change)");
  console.log(["compose", "cold up / sum of starts", (cold / ref).toFixed(2), "× (target ≤ 1.5)"].join("\t"));
  console.log(["compose", "no-change up", same.toFixed(1), "ms median (target < 300)"].join("\t"));
' "$OUT" "$SERVICES" | tee -a "$OUT/compose.tsv" "$OUT/figures.tsv"
echo
column -t -s $'\t' "$OUT/compose.tsv"
