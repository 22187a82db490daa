# Shared by the bench/*.sh files (sourced, not run): engines, timing, figures.
#
# An "engine" is a daemon the real docker CLI talks to: berthd (always) and
# dockerd (when bench/dockerd.sh could start one). Each benchmark runs the
# same docker command against every engine, and a bare `runc run` where one
# makes sense, so the figures sit side by side.
#
# Figures go to $OUT: hyperfine's JSON/markdown per benchmark, and one line
# per figure in $OUT/figures.tsv (benchmark, column, value, unit), printed
# as a table at the end.

DOCKER=${DOCKER:-/usr/local/bin/docker}
RUNS=${BENCH_RUNS:-20}
SLOW=${BENCH_RUNS_SLOW:-5}
OUT=${BENCH_OUT:-bench/results}
ENGINES=()
declare -A ENGINE_HOST=()

# The docker CLI aimed at one engine: dk berthd ps -a
dk() {
  local engine=$1
  shift
  "$DOCKER" -H "${ENGINE_HOST[$engine]}" "$@"
}

# The same, as a string for hyperfine and xargs.
dkcmd() {
  echo "$DOCKER -H ${ENGINE_HOST[$1]}"
}

add_engine() { # name, host
  ENGINES+=("$1")
  ENGINE_HOST[$1]=$2
}

# hyperfine with our defaults; the first argument names the result files.
# HF_RUNS / HF_WARMUP (set for one call) override the number of runs.
hf() {
  local name=$1
  shift
  hyperfine --style basic --runs "${HF_RUNS:-$RUNS}" --warmup "${HF_WARMUP:-3}" --export-json "$OUT/$name.json" --export-markdown "$OUT/$name.md" "$@"
}

# Records one figure: benchmark, column, value, unit.
figure() {
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" | tee -a "$OUT/figures.tsv"
}

# Median (seconds) of the named command in a hyperfine JSON export.
median_of() { # json, command name
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
    const m = r.find((x) => x.command === process.argv[2]);
    if (!m) process.exit(1);
    console.log(m.median);
  ' "$1" "$2"
}

# Records the median of every command of a hyperfine export, in ms.
figures_ms() { # benchmark name (also the JSON's name)
  local name=$1
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
    for (const x of r) console.log([process.argv[2], x.command, (x.median * 1000).toFixed(1), "ms median"].join("\t"));
  ' "$OUT/$name.json" "$name" | tee -a "$OUT/figures.tsv"
}

# Throughput from a measured median: bytes / seconds, in MB/s (10^6 bytes).
figure_mbps() { # benchmark, column, bytes, json, command name
  local secs
  secs=$(median_of "$4" "$5")
  figure "$1" "$2" "$(node -e 'console.log((Number(process.argv[1]) / 1e6 / Number(process.argv[2])).toFixed(0))' "$3" "$secs")" \
    "MB/s ($(node -e 'console.log((Number(process.argv[1]) / 1e6).toFixed(0))' "$3") MB in $(node -e 'console.log((Number(process.argv[1]) * 1000).toFixed(0))' "$secs") ms median)"
}

# Resident set size of a pid, in KiB (0 when it is gone).
rss_kib() {
  awk '/^VmRSS/ {print $2; found=1} END {if (!found) print 0}' "/proc/$1/status" 2>/dev/null || echo 0
}

# Pids whose command line contains a string (never matches this shell's own helpers).
pids_with() {
  local needle=$1 p
  for p in /proc/[0-9]*; do
    [[ -r $p/cmdline ]] || continue
    if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$needle"; then echo "${p#/proc/}"; fi
  done
}

sum_rss_kib() { # pids...
  local total=0 p
  for p in "$@"; do total=$((total + $(rss_kib "$p"))); done
  echo "$total"
}

# Removes every container of an engine (running or not).
rm_all() {
  local ids
  ids=$(dk "$1" ps -aq)
  [[ -z $ids ]] || dk "$1" rm -f $ids >/dev/null
}
